# reset-peers.sh: the two ends reset.sh and reset-offload.sh inject
# between (sourced, not run).  reset_peers DIR writes them there:
#   srv.py ADDRESS [READY]  listens on ADDRESS port 9000 (READY is created
#                           once it does), sends 1000 bytes every 50 ms for
#                           3 s to the one client, then says whether its
#                           sends went through ("sent to the end") or
#                           failed ("send failed: ...");
#   cli.py ADDRESS          reads to the end, or 2 s of silence.
reset_peers() {
	cat >"$1/srv.py" <<'PY'
import socket, sys, time
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
s = socket.socket(fam)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 9000))
s.listen(1)
if len(sys.argv) > 2:
    open(sys.argv[2], "w").close()
c, _ = s.accept()
t = time.time()
try:
    while time.time() - t < 3:
        c.send(b"x" * 1000)
        time.sleep(0.05)
    print("server: sent to the end")
except OSError as e:
    print("server: send failed:", e.strerror)
PY
	cat >"$1/cli.py" <<'PY'
import socket, sys
c = socket.create_connection((sys.argv[1], 9000))
c.settimeout(2)
n = 0
try:
    while True:
        d = c.recv(65536)
        if not d:
            break
        n += len(d)
except OSError:
    pass
print("client: received", n)
PY
}
