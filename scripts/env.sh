# Sourced by the scripts and the launcher. Maven and DJL keep their caches under the user's home
# (Java's user.home, which comes from the password database, not $HOME). Some CI runners and
# containers give a user no writable home; then both caches go under the project's .cache/.
_videoldm_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_videoldm_home="$(getent passwd "$(id -u)" 2>/dev/null | cut -d: -f6)"
_videoldm_home="${_videoldm_home:-${HOME:-}}"
if [ -z "$_videoldm_home" ] || ! { mkdir -p "$_videoldm_home/.m2/repository" && [ -w "$_videoldm_home/.m2/repository" ]; } 2>/dev/null; then
  _videoldm_cache="$_videoldm_root/.cache/home"
  mkdir -p "$_videoldm_cache"
  echo "videoldm: home '${_videoldm_home:-?}' is not writable; Maven and DJL caches go to $_videoldm_cache" >&2
  export MAVEN_OPTS="${MAVEN_OPTS:-} -Duser.home=$_videoldm_cache"
  export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$_videoldm_cache/.djl.ai}"
  export ENGINE_CACHE_DIR="${ENGINE_CACHE_DIR:-$DJL_CACHE_DIR}"
  export HOME="$_videoldm_cache"
fi
unset _videoldm_root _videoldm_home _videoldm_cache
