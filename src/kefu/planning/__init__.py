"""Planning and economics: forecast contact volume, staff it by Erlang C/A, check the
staffing by simulation, and price each tier to find where automation stops paying.

Pure and independent of the rest of kefu: `model`/`staffing`/`forecast`/`simulation`/`cost`
take data and return decisions; `ports` says what it reads (conversation history);
`actions` are the use cases with their access checks; `wiring` puts them together.
"""
