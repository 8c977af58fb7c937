#!/usr/bin/env bash
# Serves web/dist on http://localhost:8000 (service workers need localhost or HTTPS).
exec python3 -m http.server --directory "$(dirname "$0")/dist" --bind 127.0.0.1 "${1:-8000}"
