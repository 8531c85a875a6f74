"""The floor: an empty Streamlit app with one metric (what any rerun costs at least)."""

import streamlit as st

st.metric("Empty", 1)
