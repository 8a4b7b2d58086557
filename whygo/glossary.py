"""The course's bilingual glossary (English / 中文): the terms the chapters use.

Kept as data so that the summary chapter and the website show the same list.
The Chinese terms are the ones Chinese-language Go material commonly uses
(the source article among them).
"""
from __future__ import annotations

# (English term, 中文, one-line meaning in the course's words)
TERMS: tuple[tuple[str, str, str], ...] = (
    ("goroutine", "协程 / goroutine", "a function running concurrently, scheduled by the Go runtime (G)"),
    ("OS thread", "操作系统线程", "a thread the kernel schedules; the runtime calls it an M"),
    ("processor (P)", "处理器 P", "the runtime's token for running Go code; GOMAXPROCS of them"),
    ("M:N scheduling", "M:N 调度", "many goroutines multiplexed onto a few OS threads"),
    ("local run queue", "本地运行队列", "a P's queue of runnable goroutines (runq, 256 slots)"),
    ("runnext", "runnext 槽位", "the one slot a P runs next, before its queue; woken Gs land there"),
    ("global run queue", "全局运行队列", "the shared queue every P checks now and then"),
    ("work stealing", "工作窃取", "an idle P takes half of another P's run queue"),
    ("preemption", "抢占", "stopping a goroutine that ran past its 10 ms time slice"),
    ("system call", "系统调用", "a request to the kernel; a blocking one lets sysmon hand the P off"),
    ("handoff", "移交 P", "giving a P whose thread is stuck in a syscall to another thread"),
    ("channel", "通道 / channel", "a typed, lock-guarded queue between goroutines (hchan)"),
    ("unbuffered channel", "无缓冲通道", "a channel where sender and receiver meet; the value is copied across"),
    ("context", "上下文 / context", "a value carrying cancellation and deadlines down a call tree"),
    ("goroutine leak", "协程泄漏", "a goroutine blocked forever, holding its memory"),
    ("garbage collector (GC)", "垃圾回收器", "the runtime part that frees unreachable heap objects"),
    ("tri-colour marking", "三色标记", "white (unvisited), grey (to scan), black (scanned) objects"),
    ("write barrier", "写屏障", "code run on pointer writes during marking so no live object is missed"),
    ("hybrid write barrier", "混合写屏障", "Go's barrier since 1.8: shade the old and the new pointer"),
    ("stop the world (STW)", "全局暂停 (STW)", "the short pauses when every goroutine is stopped"),
    ("pacer", "调步器", "decides when the next GC starts (GOGC, GOMEMLIMIT)"),
    ("heap goal", "堆目标", "the heap size at which the next GC cycle should end"),
    ("escape analysis", "逃逸分析", "the compiler proving a value can stay on the stack"),
    ("inlining", "内联", "copying a small function's body into its caller"),
    ("devirtualization", "去虚拟化", "turning an interface call into a direct call"),
    ("itab", "itab 接口表", "per (interface, type) table with the method addresses"),
    ("stack growth", "栈增长", "copying a goroutine's stack to one twice as large"),
    ("size class", "尺寸等级", "one of the allocator's 67 small object sizes"),
    ("span", "span 内存块",
     "a run of pages holding objects of one span class: one size class, with or without pointers (mspan)"),
    ("mcache", "mcache 本地缓存", "a P's private spans, one per span class: no locks"),
    ("tiny allocator", "微对象分配器", "packs pointer-free objects under 16 B into one block"),
    ("static linking", "静态链接", "everything the program needs in one executable"),
    ("cgo", "cgo", "calling C from Go; with it, a build may link libc dynamically"),
    ("plugin", "插件", "a Go package built as a shared object and opened at run time"),
)
