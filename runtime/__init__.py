"""The process runtime: starting the server (runtime.server, behind serve.py) and warming it
up before the first visitor (runtime.warmup: imports once, the database, the default views)."""
