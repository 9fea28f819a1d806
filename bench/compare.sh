#!/bin/sh
# Side-by-side simulator throughput: the replication bench (3 brokers x 6 partitions, RF 3, the
# idempotent producer machine) of a base commit and of the working tree, alternated twice on the
# same machine with the same seeds, in one invocation.
#   bench/compare.sh [BASE_COMMIT] [SEEDS]      (default: HEAD~1, 6 seeds)
# The base is checked out as a detached `git worktree` in a temporary directory sharing this
# checkout's node_modules, and removed afterwards. The same driver (bench/replication-driver.ts)
# runs in both trees: it only uses ClusterSimulation and clusterOptionsFromSeed.
set -eu
base=${1:-HEAD~1}
seeds=${2:-6}
root=$(git rev-parse --show-toplevel)
dir=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$dir/base" >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
git -C "$root" worktree add --detach "$dir/base" "$base" >/dev/null 2>&1
ln -s "$root/node_modules" "$dir/base/node_modules"
cp "$root/bench/replication-driver.ts" "$dir/base/bench/replication-driver.ts"
for round in 1 2; do
  printf 'base %s  ' "$(git -C "$root" rev-parse --short "$base")"; (cd "$dir/base" && npx tsx bench/replication-driver.ts "$seeds")
  printf 'tree          '; (cd "$root" && npx tsx bench/replication-driver.ts "$seeds")
done
