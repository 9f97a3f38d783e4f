# Sourced by scripts/journeys and scripts/submit, which run from the checkout: a relative --config
# or --out names a file where the caller stands, as any command's would (a review found them read
# and written in the checkout). Paths inside a config or --set stay relative to the checkout, as
# conf/local.conf's ./data is. A URI (file:/x, s3a://b/x: a scheme, then a colon) is left alone,
# as an absolute path is.

# Prints the path, absolute where the caller stands.
caller_path() {
  if [[ "$1" == /* || "$1" =~ ^[A-Za-z][A-Za-z0-9+.-]*: ]]; then
    printf '%s' "$1"
  else
    printf '%s' "$PWD/$1"
  fi
}

# Sets caller_args to the arguments with each --config and --out value made absolute (caller_path).
caller_paths() {
  caller_args=()
  local path_next=0 a
  for a in "$@"; do
    if [[ $path_next == 1 ]]; then
      a="$(caller_path "$a")"
      path_next=0
    elif [[ "$a" == --config || "$a" == --out ]]; then
      path_next=1
    elif [[ "$a" == --config=* || "$a" == --out=* ]]; then
      a="${a%%=*}=$(caller_path "${a#*=}")"
    fi
    caller_args+=("$a")
  done
}
