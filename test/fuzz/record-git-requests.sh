#!/usr/bin/env bash
# Regenerates git-requests.json: what the real `git credential fill|approve|reject` sends to a
# helper, for a variety of URLs. A recording helper logs each request (action + stdin) and
# answers `get` with a fake credential so that `fill` completes. No real token is involved.
#   bash test/fuzz/record-git-requests.sh > test/fuzz/git-requests.json
set -euo pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log="$work/log"
cat >"$work/recorder" <<'REC'
#!/usr/bin/env bash
# One JSON object per line: {"action": ..., "stdin": ...}; stdin kept as latin1 so any byte survives.
input=$(cat; printf x)
input=${input%x}
node -e 'process.stdout.write(JSON.stringify({action: process.argv[1], stdin: process.argv[2]}) + "\n")' \
  "$1" "$input" >>"$RECORDER_LOG"
if [[ $1 == get ]]; then printf 'username=fuzz-user\npassword=fuzz-password-0001\n'; fi
REC
chmod +x "$work/recorder"

export HOME="$work" GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL="$work/gitconfig" GIT_TERMINAL_PROMPT=0
export GIT_ASKPASS=false SSH_ASKPASS=false RECORDER_LOG="$log"
unset GIT_SSL_CAINFO
git config --global credential.helper "$work/recorder"

run() { # run CONFIG-ARGS... -- ACTION INPUT
  local args=()
  while [[ $1 != -- ]]; do args+=("$1"); shift; done
  shift
  printf '%s' "$2" | git "${args[@]}" credential "$1" >/dev/null 2>&1 || true
}

urls=(
  https://github.com
  https://github.com/acme/app.git
  https://alice@github.com/acme/app.git
  https://github.example.com:8443/org/repo
  http://127.0.0.1:8080/owner/repo.git
  http://localhost/r.git
  https://[::1]:3000/x/y
  https://user%40corp:pa%3Ass@ghe.corp.example/team/%E2%9C%93.git
  ssh://git@github.com/acme/app.git
  https://github.com/acme/app.git?query=1#frag
)
for url in "${urls[@]}"; do
  for http_path in false true; do
    cfg=(-c "credential.useHttpPath=$http_path")
    run "${cfg[@]}" -- fill "url=$url"$'\n'
    run "${cfg[@]}" -- approve "url=$url"$'\nusername=fuzz-user\npassword=fuzz-password-0002\n'
    run "${cfg[@]}" -- reject "url=$url"$'\nusername=fuzz-user\npassword=fuzz-password-0002\n'
  done
done
# Field by field, with an expiry and the extra keys newer gits pass through.
run -- fill $'protocol=https\nhost=github.com\npath=acme/app.git\nusername=bob\n'
run -- approve $'protocol=https\nhost=github.com\nusername=bob\npassword=fuzz-password-0003\npassword_expiry_utc=1893456000\n'
run -- reject $'protocol=https\nhost=github.com\nusername=bob\n'
run -c credential.username=carol -- fill $'protocol=https\nhost=github.com\n'
node -e '
const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n");
const seen = new Set();
const out = [];
for (const line of lines) { if (!seen.has(line)) { seen.add(line); out.push(JSON.parse(line)); } }
process.stdout.write(JSON.stringify({ git: process.argv[2], requests: out }, null, 1) + "\n");
' "$log" "$(git --version)"
