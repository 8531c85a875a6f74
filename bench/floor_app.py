"""The floor in a browser: one metric and one as-of select box to change, nothing else."""

import datetime as dt

import streamlit as st

months = [dt.date(2024 + i // 12, i % 12 + 1, 1) for i in range(34)]
st.sidebar.selectbox("As of", options=months[::-1], key="f_as_of")
st.metric("Empty", 1)
