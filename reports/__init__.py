"""Exports: the meeting pack (PPTX, PDF) and tables as CSV and Excel, without Streamlit."""
