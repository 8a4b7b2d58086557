"""The course's bilingual glossary (English / 中文): the terms the chapters use.

Kept as data so that the summary chapter and the website show the same list.
The Chinese terms are the ones Chinese-language Go material commonly uses
(the source article and the standard Chinese books on the Go runtime among
them); where usage differs, the alternatives are listed, the most common first.
The course map shows the list as a Markdown table (``glossary_markdown``, a
cell written by code, whygo/generated.py), so that the website's search finds
every term in both editions.
"""
from __future__ import annotations

from whygo.generated import md_text, refresh, with_marker
from whygo.i18n import N_, _, is_zh

# (English term, 中文, one-line meaning in the course's words)
TERMS: tuple[tuple[str, str, str], ...] = (
    ("goroutine", "协程 / Go 程 / goroutine", "a function running concurrently, scheduled by the Go runtime (G)"),
    ("OS thread", "操作系统线程", "a thread the kernel schedules; the runtime calls it an M"),
    ("processor (P)", "处理器 P / 逻辑处理器", "the runtime's token for running Go code; GOMAXPROCS of them"),
    ("M:N scheduling", "M:N 调度", "many goroutines multiplexed onto a few OS threads"),
    ("local run queue", "本地运行队列 / 本地队列", "a P's queue of runnable goroutines (runq, 256 slots)"),
    ("runnext", "runnext 槽位", "the one slot a P runs next, before its queue; woken Gs land there"),
    ("global run queue", "全局运行队列 / 全局队列", "the shared queue every P checks now and then"),
    ("work stealing", "工作窃取", "an idle P takes half of another P's run queue"),
    ("preemption", "抢占", "stopping a goroutine that ran past its 10 ms time slice"),
    ("system call", "系统调用", "a request to the kernel; a blocking one lets sysmon hand the P off"),
    ("handoff", "移交 P", "giving a P whose thread is stuck in a syscall to another thread"),
    ("channel", "通道 / channel", "a typed, lock-guarded queue between goroutines (hchan)"),
    ("unbuffered channel", "无缓冲通道", "a channel where sender and receiver meet; the value is copied across"),
    ("context", "上下文 / context", "a value carrying cancellation and deadlines down a call tree"),
    ("goroutine leak", "goroutine 泄漏 / 协程泄漏", "a goroutine blocked forever, holding its memory"),
    ("garbage collector (GC)", "垃圾回收器", "the runtime part that frees unreachable heap objects"),
    ("tri-colour marking", "三色标记", "white (unvisited), grey (to scan), black (scanned) objects"),
    ("shade", "置灰", "make a white object grey (marked, queued to be scanned): it survives this cycle"),
    ("write barrier", "写屏障", "code run on pointer writes during marking so no live object is missed"),
    ("hybrid write barrier", "混合写屏障", "Go's barrier since 1.8: shade the old and the new pointer"),
    ("interleaving", "交错执行序列", "one order in which the steps of concurrent code run; a bug may show in only a few"),
    ("stop the world (STW)", "全局暂停（STW）", "the short pauses when every goroutine is stopped"),
    ("pacer", "调步器 / GC 节奏控制器", "decides when the next GC starts (GOGC, GOMEMLIMIT)"),
    ("heap goal", "堆目标", "the heap size at which the next GC cycle should end"),
    ("escape analysis", "逃逸分析", "the compiler proving a value can stay on the stack"),
    ("inlining", "内联", "copying a small function's body into its caller"),
    ("devirtualization", "去虚拟化", "turning an interface call into a direct call"),
    ("itab", "itab 接口表", "per (interface, type) table with the method addresses"),
    ("stack growth", "栈增长", "copying a goroutine's stack to one twice as large"),
    ("size class", "大小等级（size class）", "one of the allocator's 67 small object sizes"),
    ("span", "内存管理单元 / 跨度（mspan）",
     "a run of pages holding objects of one span class: one size class, with or without pointers (mspan)"),
    ("span class", "跨度类（spanClass）", "a size class together with one bit: does the object hold pointers"),
    ("mcache", "线程缓存 / 本地缓存（mcache）", "a P's private spans, one per span class: no locks"),
    ("mcentral", "中心缓存（mcentral）", "the shared list of spans of one span class, where an mcache refills"),
    ("mheap", "页堆（mheap）", "the heap's page allocator: it hands out runs of pages as spans"),
    ("tiny allocator", "微分配器 / 微对象分配器", "packs pointer-free objects under 16 B into one block"),
    ("static linking", "静态链接", "everything the program needs in one executable"),
    ("cgo", "cgo", "calling C from Go; with it, a build may link libc dynamically"),
    ("plugin", "插件", "a Go package built as a shared object and opened at run time"),
)


GLOSSARY_WRITER = "whygo.glossary.glossary_markdown"
HEADER_EN = (N_("English"), N_("Chinese"), N_("meaning"))


def meaning(term: str, text: str) -> str:
    """A term's meaning in the running edition (whygo.po, key ``glossary:TERM``)."""
    return _(text, f"glossary:{term}")


def glossary_markdown() -> str:
    """The glossary as a Markdown table: English first in the English edition, Chinese first
    in the Chinese one (its readers look a term up by the word they know)."""
    english, chinese, means = (_(h) for h in HEADER_EN)
    if is_zh():
        rows = [f"| {chinese} | {english} | {means} |", "| --- | --- | --- |"]
        rows += [f"| {md_text(zh)} | {md_text(en)} | {md_text(meaning(en, text))} |" for en, zh, text in TERMS]
    else:
        rows = [f"| {english} | {chinese} | {means} |", "| --- | --- | --- |"]
        rows += [f"| {md_text(en)} | {md_text(zh)} | {md_text(text)} |" for en, zh, text in TERMS]
    return with_marker(GLOSSARY_WRITER, "\n".join(rows))


def refresh_glossary(path=None) -> None:
    """Rewrite the course map's glossary cell from TERMS (run after editing the list)."""
    from whygo.book import ROOT
    refresh(path or ROOT / "notebooks" / "00-course-map.ipynb", GLOSSARY_WRITER, glossary_markdown())
