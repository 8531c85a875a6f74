"""Display text in a language, pure (no Streamlit), shared by the screens, the meeting pack
and the page models: the Overview tiles and exceptions (overview), the "since the last
meeting" sentences (summary), the Budget and what-if tables (budget, whatif), a KPI tile's
texts (metrics), a chart's input (charts), text from data in Markdown places (markdown) and
the formats of one language and currency (words)."""
