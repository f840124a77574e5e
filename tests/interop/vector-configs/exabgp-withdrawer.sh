#!/bin/sh
# ExaBGP API helper for capture-vectors.sh: waits until the trigger file $1 exists (the script
# creates it once every sink saw its End-of-RIBs), withdraws two routes on every session, then
# idles until ExaBGP closes our stdin.
while [ ! -e "$1" ]; do sleep 0.05; done
echo "withdraw route 192.0.2.128/25 next-hop 198.51.100.1"
echo "withdraw route 2001:db8:4::/64 next-hop 2001:db8::1"
exec cat >/dev/null
