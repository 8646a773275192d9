#!/usr/bin/env python3
"""Pre-loads COUNT ManEx customers through Customer Add, from 32 keep-alive
connections: preload.py BASE_URL KEY COUNT. Names are `bench T-I`; a
refusal (envelope Code not 200) stops with an error."""
import http.client, json, sys, threading, time, urllib.parse

base, key, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
u = urllib.parse.urlparse(base)
clients = 32
errors = []

def work(t, todo):
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=600)
    for i in range(todo):
        body = json.dumps({"Custname": f"bench {t}-{i}", "Status": "Active"})
        c.request("POST", f"/API/Customer/Add/{key}", body, {"Content-Type": "application/json"})
        r = c.getresponse()
        answer = r.read()
        if json.loads(answer).get("Code") != 200:
            errors.append(answer)
            return

start = time.time()
threads = [threading.Thread(target=work, args=(t, count // clients + (t < count % clients))) for t in range(clients)]
for th in threads: th.start()
for th in threads: th.join()
if errors:
    sys.exit(f"refused: {errors[0]!r}")
print(f"pre-loaded {count} customers in {time.time() - start:.1f} s")
