"""ClassroomSpawner: JupyterHub's LocalProcessSpawner, with the student's limits and warm caches.

Each student's single-user server runs as their own Unix user (LocalProcessSpawner
needs the user to exist: ``whygo classroom users add``), from the students'
environment ``CLASS/env``. Before it starts, the spawner, in the hub (root):

1. seeds the student's caches from the class's warm ones (hard links for Go's
   build cache, copies for two course-cache files; :mod:`whygo.classroom.homes`);
2. makes the student's cgroup, with its limits (:mod:`whygo.classroom.limits`).

The server process then joins that cgroup and sets its rlimits in the
``preexec_fn``, before it drops to the student's uid, so everything the
student runs inherits both. (Kernels raise their own OOM score, so that the
server is the last of the student's processes the OOM killer picks:
:mod:`whygo.classroom.kernelstart`.) Stopping the server kills whatever is left in
the group (a background process, a fork flood) and removes it.
"""
from __future__ import annotations

import asyncio
import os
import pwd
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Integer, Unicode, default

from whygo.classroom import homes, limits
from whygo.classroom.install import course_cache_seed, env_python


class ClassroomSpawner(LocalProcessSpawner):
    class_dir = Unicode(config=True, help="the class folder made by `whygo classroom install`")
    memory_mb = Integer(limits.StudentLimits.memory_mb, config=True,
                        help="memory of all a student's processes together (cgroup), else per process")
    processes = Integer(limits.StudentLimits.processes, config=True, help="processes and threads per student")
    file_mb = Integer(limits.StudentLimits.file_mb, config=True, help="largest file a student's process may write")

    _cgroups: limits.Cgroups | None = None
    _cgroups_probed = False

    @property
    def student_limits(self) -> limits.StudentLimits:
        return limits.StudentLimits(self.memory_mb, self.processes, self.file_mb)

    @classmethod
    def cgroups(cls) -> limits.Cgroups | None:
        if not ClassroomSpawner._cgroups_probed:
            ClassroomSpawner._cgroups = limits.probe()
            ClassroomSpawner._cgroups_probed = True
        return ClassroomSpawner._cgroups

    def _group(self) -> limits.Group | None:
        cgroups = self.cgroups()
        return cgroups.group(self.user.name) if cgroups else None

    def _prepare(self) -> None:
        st = pwd.getpwnam(self.user.name)
        class_dir = Path(self.class_dir)
        linked = homes.seed_go_cache(st, class_dir / "go-build")
        copied = homes.seed_files(st, class_dir / "course-cache", course_cache_seed(class_dir), ".cache", "whygo")
        if linked or copied:
            self.log.info("%s: caches seeded (%d Go build cache entries linked, %d course cache files copied)",
                          self.user.name, linked, copied)
        group = self._group()
        if group is not None:
            group.kill_all()   # a server that died without stop() may have left processes
            group.create(self.student_limits)

    @default("cmd")
    def _cmd_of_the_class(self):
        return [str(env_python(Path(self.class_dir))), "-m", "jupyterhub.singleuser"]

    async def start(self):
        await asyncio.to_thread(self._prepare)
        return await super().start()

    def make_preexec_fn(self, name):
        become_student = super().make_preexec_fn(name)
        group = self._group()
        rlimits = self.student_limits.rlimits(memory_cgroup=group is not None and
                                              "memory" in group.cgroups.controllers)

        def preexec():
            if group is not None:
                group.join(os.getpid())       # as root, before the uid changes
            limits.apply_rlimits(rlimits)
            become_student()

        return preexec

    async def stop(self, now=False):
        await super().stop(now=now)
        await asyncio.to_thread(self._kill_leftovers)

    def _kill_leftovers(self) -> None:
        group = self._group()
        if group is not None:
            killed = group.kill_all()
            group.remove()
        else:
            killed = limits.kill_uid(pwd.getpwnam(self.user.name).pw_uid)
        if killed:
            self.log.info("%s: %d process(es) left after the server stopped were killed", self.user.name, killed)
