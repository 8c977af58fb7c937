#!/bin/sh
# Regenerates the CSCA/DSC test chain of tests/library/hcert_chain.rs and
# tests/cli/hcert.rs with the openssl command line (3.x). Every DSC shares
# one P-256 key (dsc.key, its scalar in dsc.key.hex) so the tests sign HC1:
# certificates with it; the kid chooses the DSC.
#
#   csca.pem          P-256 CA, C=DE, 2020..2040, signs dsc.pem and dsc-fr.pem
#   csca-rsa.pem      RSA-2048 CA, C=DE, signs dsc-rsa.pem (PKCS#1 v1.5) and dsc-pss.pem (PSS)
#   impostor.pem      same subject as csca.pem, another key; signs dsc-impostor.pem
#   notca.pem         C=DE, not a CA (cA false); signs dsc-notca.pem
#   csca-late.pem     P-256 CA valid from 2022 only; signs dsc-early.pem (from 2021)
#   csca-p384.pem     P-384 CA, C=DE, signs dsc-p384.pem (ECDSA with SHA-384)
#
# Then: TRAVELCERT_BLESS=1 cargo test --all-features --test library hcert_chain
# rewrites dsc.hc1.txt (an EU DCC signed with dsc.key, for the Python tests).
set -eu
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat > "$work/ca.cnf" <<CNF
[ ca ]
default_ca = ca_default
[ ca_default ]
database = $work/index.txt
new_certs_dir = $work
serial = $work/serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
[ policy_any ]
countryName = optional
commonName = supplied
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused
[ ext_ca ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ ext_notca ]
basicConstraints = critical, CA:false
keyUsage = critical, keyCertSign, digitalSignature
[ ext_dsc ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = 1.3.6.1.4.1.1847.2021.1.1, 1.3.6.1.4.1.1847.2021.1.2, 1.3.6.1.4.1.1847.2021.1.3
CNF

reset_db() { : > "$work/index.txt"; echo 01 > "$work/serial"; }

# ca NAME SUBJECT KEYFILE EXT START END: a self-signed certificate.
ca() {
  reset_db
  openssl req -new -key "$3" -subj "$2" -config "$work/ca.cnf" -out "$work/$1.csr"
  openssl ca -batch -notext -selfsign -config "$work/ca.cnf" -keyfile "$3" -extensions "$4" \
    -startdate "$5" -enddate "$6" -in "$work/$1.csr" -out "$1.pem" 2>/dev/null
}

# dsc NAME SUBJECT CA CAKEY START END [SIGOPTS...]: a DSC with dsc.key.
dsc() {
  name=$1 subject=$2 cacert=$3 cakey=$4 start=$5 end=$6
  shift 6
  reset_db
  openssl req -new -key dsc.key -subj "$subject" -config "$work/ca.cnf" -out "$work/$name.csr"
  openssl ca -batch -notext -config "$work/ca.cnf" -cert "$cacert" -keyfile "$cakey" \
    -extensions ext_dsc -startdate "$start" -enddate "$end" "$@" \
    -in "$work/$name.csr" -out "$name.pem" 2>/dev/null
}

openssl ecparam -name prime256v1 -genkey -noout -out dsc.key
openssl ec -in dsc.key -text -noout 2>/dev/null \
  | awk '/priv:/{f=1;next} /pub:/{f=0} f' | tr -d ' :\n' | tail -c 64 > dsc.key.hex
openssl ecparam -name prime256v1 -genkey -noout -out "$work/csca.key"
openssl ecparam -name prime256v1 -genkey -noout -out "$work/impostor.key"
openssl ecparam -name prime256v1 -genkey -noout -out "$work/notca.key"
openssl ecparam -name prime256v1 -genkey -noout -out "$work/late.key"
openssl genrsa -out "$work/rsa.key" 2048 2>/dev/null
openssl ecparam -name secp384r1 -genkey -noout -out "$work/p384.key"

ca csca "/C=DE/CN=Test CSCA DE" "$work/csca.key" ext_ca 20200101000000Z 20400101000000Z
ca csca-rsa "/C=DE/CN=Test CSCA DE RSA" "$work/rsa.key" ext_ca 20200101000000Z 20400101000000Z
ca impostor "/C=DE/CN=Test CSCA DE" "$work/impostor.key" ext_ca 20200101000000Z 20400101000000Z
ca notca "/C=DE/CN=Test not a CA" "$work/notca.key" ext_notca 20200101000000Z 20400101000000Z
ca csca-late "/C=DE/CN=Test CSCA DE late" "$work/late.key" ext_ca 20220101000000Z 20400101000000Z
ca csca-p384 "/C=DE/CN=Test CSCA DE P-384" "$work/p384.key" ext_ca 20200101000000Z 20400101000000Z

dsc dsc "/C=DE/CN=Test DSC DE" csca.pem "$work/csca.key" 20210101000000Z 20310101000000Z
dsc dsc-fr "/C=FR/CN=Test DSC FR" csca.pem "$work/csca.key" 20210101000000Z 20310101000000Z
dsc dsc-rsa "/C=DE/CN=Test DSC DE RSA" csca-rsa.pem "$work/rsa.key" 20210101000000Z 20310101000000Z
dsc dsc-pss "/C=DE/CN=Test DSC DE PSS" csca-rsa.pem "$work/rsa.key" 20210101000000Z 20310101000000Z \
  -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32 -sigopt rsa_mgf1_md:sha256
dsc dsc-impostor "/C=DE/CN=Test DSC DE impostor" impostor.pem "$work/impostor.key" 20210101000000Z 20310101000000Z
dsc dsc-notca "/C=DE/CN=Test DSC DE notca" notca.pem "$work/notca.key" 20210101000000Z 20310101000000Z
dsc dsc-early "/C=DE/CN=Test DSC DE early" csca-late.pem "$work/late.key" 20210101000000Z 20310101000000Z
dsc dsc-p384 "/C=DE/CN=Test DSC DE P-384 CA" csca-p384.pem "$work/p384.key" 20210101000000Z 20310101000000Z \
  -md sha384
