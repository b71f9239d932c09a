# Sourced by the scripts that run Node: puts the Node.js 24 that setup.sh brought into .tools/node (only where
# the machine's own Node is older) first on PATH, so npm start, npm test and CI all run on Node 24.
_halo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -x "$_halo_root/.tools/node/node" ] && [[ ":$PATH:" != *":$_halo_root/.tools/node:"* ]]; then
  export PATH="$_halo_root/.tools/node:$PATH"
fi
unset _halo_root
