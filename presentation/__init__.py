"""Display text in a language, pure (no Streamlit): the Overview tiles and exceptions
(overview), the "since the last meeting" sentences (summary), the Budget tables (budget) and
the what-if tables (whatif). Screen and meeting pack use the same texts."""
