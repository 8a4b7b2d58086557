"""The course on a JupyterHub: a class of students on one machine, and the teacher's round trip.

How to read it
--------------
One machine, one hub (JupyterHub + configurable-http-proxy), one Unix user
per student, one single-user Jupyter server per student started by
:class:`whygo.classroom.spawner.ClassroomSpawner` (JupyterHub's
LocalProcessSpawner, plus limits and warm caches). Everything a teacher does
is a ``whygo classroom`` command (:mod:`whygo.classroom.cli`); the README's
"Teaching with a JupyterHub" section lists them in order and
``tests/classroom/test_classroom.py`` runs that very list.

The class folder (``CLASS``, e.g. ``/srv/whygo``; root's, readable by all)::

    env/            the Python students' servers and kernels run (install.py): a venv made
                    from a Python every user can run, over the course's installed packages,
                    with the two kernels ("Python 3", "Go (whygo)")
    go-build/       Go's build cache, warmed once by root (the standard library the course uses)
    course-cache/   the course cache, warmed once (the Graphviz module, the std package list)
    course.git      the handout (handout.py): student versions of the labs, the chapters
    roster.txt      one student per line
    hub/            0700: jupyterhub_config.py, the hub's database, secrets, the teacher's token

Why these choices
-----------------
*Users.* A Unix user per student (LocalProcessSpawner), homes 0700: file
permissions do the isolation (work, caches, feedback), not conventions. Only
root can collect and write feedback, and it does both *as the student*
(coreutils run with the student's uid), so a symlink a student plants leads
only where that student could go anyway.

*Go's build cache.* Go needs a writable GOCACHE, and a cache shared writable
would let one student plant compiled packages another one links: so each
student has their own ``~/.cache/go-build``. Building the standard library
in it costs ~35 CPU seconds per student (17 CPU minutes for thirty), so at
its first start the spawner fills it with hard links to ``CLASS/go-build``:
no disk used, no compile, and the linked files are root's and 0644, so a
student can add or delete entries in their own cache but never change a file
another student's build reads. ``CLASS/go-build`` itself is a copy of root's
standard-library-only cache (``whygo warm``'s ``go-std``), never of root's own
GOCACHE, which holds whatever root built (a lab's solution, when grading).
Go drops entries unused for five days and marks use by an entry's mtime,
which a student cannot set on root's files, so the spawner refreshes the
seed's mtimes once a day (``homes.keep_seed_fresh``).

*The course cache* (``~/.cache/whygo``: built cells, lab check binaries) is
per student for the same reason; only two warm, self-checking files (the
Graphviz module, the std package list) are copied in.

*Limits.* Per student, whatever cgroups the machine offers (v1 or v2:
memory for all their processes together, process count, an equal CPU share
whatever their thread count), else rlimits per process; RLIMIT_NPROC always
(the uid is the student's alone) and a largest-file limit. Per cell: Go
programs stop at their timeout (30 s unless ``--timeout``) with 1 MB of
output kept per stream (:mod:`whygo.golang.runner`); the Jupyter server's
iopub rate limit protects the browser from a Python cell's flood; idle
kernels are culled. Stopping a student's server kills everything they
started. See :mod:`whygo.classroom.limits`.

*Load.* The hub throttles spawns (``concurrent_spawn_limit``: a 429 "try
again" rather than a spawn that times out), waits long enough for a busy
machine (start and kernel-info timeouts), and :mod:`whygo.classroom.load`
drives a scripted class through the hub's REST API and the kernel websocket
protocol exactly as browsers do, measuring what each student waits.
"""
