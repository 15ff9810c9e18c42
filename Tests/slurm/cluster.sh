#!/usr/bin/env bash
# A real one-node Slurm cluster on 127.0.0.1 for the Slurm executor's tests: munged,
# slurmctld and slurmd started by hand (no systemd), as root, everything under STATEDIR.
#
#   Tests/slurm/cluster.sh STATEDIR start    prints `export SLURM_CONF=…` once the node is idle
#   Tests/slurm/cluster.sh STATEDIR stop     cancels every job, stops the daemons by their PIDs
#   Tests/slurm/cluster.sh STATEDIR install  apt-get installs the Debian packages
#
# Env: SLURM_TEST_PORT (slurmctld port, slurmd uses +1; default 6817), SLURM_TEST_CPUS (CPUs
# the node advertises; default nproc), SLURM_TEST_INSTALL=1 to install missing packages.
# Keep STATEDIR short: the munge socket path must fit a unix socket (< 100 bytes).
set -euo pipefail
D=${1:?usage: cluster.sh STATEDIR start|stop|install}
ACTION=${2:-start}
mkdir -p "$D"
D=$(cd "$D" && pwd)
PORT=${SLURM_TEST_PORT:-6817}
CPUS=${SLURM_TEST_CPUS:-$(nproc)}
export SLURM_CONF="$D/etc/slurm.conf"
say() { echo "[slurm-test] $*" >&2; }
# Daemons must not inherit the caller's descriptors beyond 0-2: a parent that watches a pipe or
# socket for its child's exit (Foundation's Process does) would wait forever.
closefds() { local fd; for fd in $(ls "/proc/$BASHPID/fd"); do [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done 2>/dev/null; true; }
alive() { [ -f "$D/run/$1.pid" ] && kill -0 "$(cat "$D/run/$1.pid")" 2>/dev/null; }

install() {
  command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v sbatch >/dev/null \
    && command -v munged >/dev/null && return 0
  say "installing slurmctld slurmd slurm-client munge"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
    slurmctld slurmd slurm-client munge >/dev/null
}

start() {
  if [ "${SLURM_TEST_INSTALL:-0}" = 1 ]; then install; fi
  for cmd in munged mungekey slurmctld slurmd sbatch squeue sinfo scancel; do
    command -v "$cmd" >/dev/null || { say "missing $cmd (install: slurmctld slurmd slurm-client munge)"; exit 1; }
  done
  for d in munged slurmctld slurmd; do alive $d && { say "$d already runs from $D"; exit 1; }; done
  [ ${#D} -le 70 ] || { say "state directory path too long for the munge socket: $D"; exit 1; }
  mkdir -p "$D"/{etc,munge,ctld,spool,log,run}
  chmod 755 "$D" "$D/munge"           # munged wants o+x on the socket directory, not group/world-writable
  [ -f "$D/munge/munge.key" ] || mungekey --create --keyfile="$D/munge/munge.key" >/dev/null
  chmod 600 "$D/munge/munge.key"

  local hw mem node extra=""
  hw=$(slurmd -C | head -1)
  mem=$(( $(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<<"$hw") * 9 / 10 ))   # below slurmd's figure, or the node drains
  if [ "$CPUS" -eq "$(nproc)" ]; then
    node="CPUs=$CPUS $(grep -o 'Boards=.*ThreadsPerCore=[0-9]*' <<<"$hw")"
  else
    node="CPUs=$CPUS"; extra="SlurmdParameters=config_overrides"
  fi
  cat >"$SLURM_CONF" <<CONF
ClusterName=sdfatest
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$D/munge/munge.sock
StateSaveLocation=$D/ctld
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/run/slurmctld.file.pid
SlurmdPidFile=$D/run/slurmd.file.pid
SlurmctldLogFile=$D/log/slurmctld.log
SlurmdLogFile=$D/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$D/log/jobcomp.txt
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
DependencyParameters=kill_invalid_depend
EnforcePartLimits=ALL
ReturnToService=2
MinJobAge=300
KillWait=5
MpiDefault=none
MailProg=/bin/true
$extra
NodeName=localhost NodeHostname=localhost NodeAddr=127.0.0.1 $node RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
  ( closefds; exec munged --socket="$D/munge/munge.sock" --key-file="$D/munge/munge.key" --pid-file="$D/run/munged.pid" \
    --log-file="$D/log/munged.log" --seed-file="$D/munge/munged.seed" )
  cd "$D"
  # The subshell execs setsid, which execs the daemon: $! is the daemon itself (-D keeps it
  # in the foreground).
  ( closefds; exec setsid slurmctld -D -f "$SLURM_CONF" ) >"$D/log/slurmctld.out" 2>&1 </dev/null &
  echo $! >"$D/run/slurmctld.pid"
  ( closefds; exec setsid slurmd -D -N localhost -f "$SLURM_CONF" ) >"$D/log/slurmd.out" 2>&1 </dev/null &   # NodeName≠hostname: -N
  echo $! >"$D/run/slurmd.pid"
  local i state=""
  for ((i = 0; i < 300; i++)); do
    state=$(sinfo -h -n localhost -o %T 2>/dev/null || true)
    [ "$state" = idle ] && break
    alive slurmctld || { say "slurmctld exited:"; tail -5 "$D/log/slurmctld.out" >&2; stop; exit 1; }
    alive slurmd || { say "slurmd exited:"; tail -5 "$D/log/slurmd.out" >&2; stop; exit 1; }
    sleep 0.1
  done
  [ "$state" = idle ] || { say "node not idle after 30 s (state '$state'), logs in $D/log"; stop; exit 1; }
  echo "export SLURM_CONF=$SLURM_CONF"
}

stop() {
  if alive slurmctld; then
    scancel --user="$(id -un)" 2>/dev/null || true
    local i
    for ((i = 0; i < 100; i++)); do
      [ -z "$(squeue -h -t running,completing -o %i 2>/dev/null)" ] && break
      sleep 0.1
    done
  fi
  local d pid i
  for d in slurmd slurmctld munged; do
    if alive $d; then
      pid=$(cat "$D/run/$d.pid")
      kill "$pid"
      for ((i = 0; i < 150; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$D/run/$d.pid"
  done
}

case "$ACTION" in
  start) start ;;
  stop) stop ;;
  install) install ;;
  *) say "usage: cluster.sh STATEDIR start|stop|install"; exit 2 ;;
esac
