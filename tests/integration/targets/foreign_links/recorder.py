"""Another host stand-in: a loopback TCP listener that logs every connection it accepts.

    python recorder.py PORT_FILE HITS_FILE &   (the port is written once it listens)

Any connection counts, TLS or not, so the client cannot reach it without it being seen.
"""
import socket
import sys

port_file, hits_file = sys.argv[1:3]
server = socket.create_server(("127.0.0.1", 0))
with open(port_file + ".tmp", "w", encoding="utf-8") as handle:
    handle.write(str(server.getsockname()[1]))
import os  # noqa: E402 - only for the atomic rename below

os.replace(port_file + ".tmp", port_file)
while True:
    connection, address = server.accept()
    with open(hits_file, "a", encoding="utf-8") as hits:
        hits.write(f"connection from {address[0]}:{address[1]}\n")
    connection.close()
