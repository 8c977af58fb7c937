//! Border rules.
