"""Unattended jobs for a scheduler (systemd timers in deploy/systemd/, or cron):

    python -m jobs.import_folder   import the files dropped in a folder (optionally the pack after)
    python -m jobs.pack            the monthly meeting pack
    python -m jobs.backup          a dated database backup, keeping the newest N

Every job logs one line per step to stderr (the journal under systemd) and exits with
EXIT_OK (0) when all went well, EXIT_FAILED (1) when some of the work failed (a file was
rejected, the pack or backup could not be written), EXIT_CONFIG (2) when it could not start
(a bad option or setting, the database unreachable). The database URL comes from
DATABASE_URL (or --database-url, the secrets file, the embedded SQLite file, as for the app).
"""
