"""Serve the app after warming it up: `python serve.py [SCRIPT] [streamlit run options ...]`.

The work is in runtime.server (see its docstring); this file is the command `make run`, the
benchmark and the deployment units start."""

from runtime.server import main

if __name__ == "__main__":
    main()
