"""One module per chapter notebook (named after its book.toml id): the glue, nothing else.

A chapter notebook imports its own module and nothing else but ``claims`` and
``report``, always under one name::

    from whygo.chapters import sched as chapter

What a chapter module may do:

* re-export the models, views and ``whygo.golang`` helpers its notebook uses
  (``chapter.scenarios``, ``chapter.Player``, ``chapter.gosource``...), so
  notebook cells stay a few lines long;
* hold what is too specific for a shared home: a scenario built for one point
  of the text, a table beside the article's, a count or a small plot of one
  program's output, the call that runs one gocode/ program with the
  chapter's arguments.

What it may not do: import another chapter module (shared code goes to a
model package, ``whygo/views/`` or ``whygo/golang/``), define a model of the
runtime or its drawing (those live in ``whygo/<model>/`` and
``whygo/views/``), read Go source itself (``whygo.golang.gosource`` does), or
import IPython.
``tests/package/test_import_cycles.py`` checks the imports. Each module is tested in
``tests/chapters/``.
"""
