"""News timeline builder: articles in, a curated timeline website out.

The pipeline, one module per stage:

    sources  -> read articles and their metadata
    story    -> find the article's own text, drop page furniture
    anchor   -> the date relative expressions are resolved against
    timex    -> tag and normalise date expressions
    events   -> turn dated sentences into event mentions (titles: their titles)
    merge    -> one event per happening across articles
    store    -> write events into timeline/ without touching editors' work
    pipeline -> all of the above for a folder of articles
    pages    -> plain pages and data for the site; plugin.py hands them to MkDocs
    export   -> events.json, TimelineJS, iCalendar, Atom, CSV
"""
__version__ = "0.1.0"
