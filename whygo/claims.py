"""Every claim of the source article the course checks, kept in one place.

The course was built from a Chinese article, "Go语言为什么高效". Each claim
below quotes it exactly (``zh``, a substring of the article; a test checks
that when the article is available), renders it in English, gives the verdict
the runtime source supports, and names the chapter whose cell decides it.
Chapters show a claim with ``show(claim_id)`` next to the evidence cell; the
final chapter builds its table from ``CLAIMS``. Nothing is retyped elsewhere,
so a chapter and the summary cannot disagree.

Each claim also names its ``source``: where in the pinned toolchain's source
the truth is ("runtime/proc.go: runqputslow; sync/pool.go: poolCleanup"), or
None for a claim that has no source-code basis (a measured figure, a service's
own numbers), with a comment saying so; tests/golang/test_sources.py checks that every
named function exists in $GOROOT/src.

What a verdict means. A claim is graded on what a reader takes from it, read
in the article's context, against Go 1.27's source and the chapter's evidence:

holds
    True as the reader understands it, and the picture it gives is right.
holds roughly
    True in substance; a figure, a name or a detail is off, or a condition is
    left out, but a reader who acts on it is not led astray.
misleading
    The reader is led to a false picture by a claim that is not simply false:
    it is literally true but implies something false (a barrier "on by default
    in Go 1.21+" that dates from Go 1.8), true only under a condition the
    article leaves out and common cases miss, a true half joined to a false
    half, or a figure that compares the wrong things. Being literally true is
    never enough for "holds": the picture decides, and a literally true claim
    that paints a wrong picture is misleading, never wrong.
wrong
    Its main point is false: the pinned source, the compiler or the chapter's
    measurement contradicts it as written (code that cannot compile or work
    counts).
cannot be checked here
    Its substance is a figure or an outcome of a system the course does not
    have (a named service, a cluster, nginx, UPX, a container engine, a
    72-hour run) or of a workload the article does not describe well enough
    to re-run. The chapter measures the same pattern instead, and the why
    says what that measurement shows.

A table row is graded on its figures; the mechanism it names is a claim of
its own. A why says what the evidence shows: the runtime by function, the
chapter by what it measures (never one machine's figures: those are the
chapter's output, and ``show(agrees=False, here=...)`` prints them when a
machine disagrees with a verdict that rests on a measurement).
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field

from whygo.book import ROOT, load_manifest, title_of
from whygo.generated import md_text, refresh, with_marker
from whygo.golang.toolchain import toolchain
from whygo.i18n import N_, _, punct
from whygo.report import Table

VERDICTS = (N_("holds"), N_("holds roughly"), N_("misleading"), N_("wrong"), N_("cannot be checked here"))
# One colour per verdict, wherever a verdict is shown (claim boxes, chapter 5's table); white
# text on each keeps a contrast above 4.5:1. The mark repeats the colour's meaning for readers
# who cannot tell the colours apart.
VERDICT_COLOURS = {"holds": "#166534", "holds roughly": "#3f6212", "misleading": "#9a3412",
                   "wrong": "#991b1b", "cannot be checked here": "#475569"}
VERDICT_MARKS = {"holds": "✔", "holds roughly": "≈", "misleading": "!", "wrong": "✘",
                 "cannot be checked here": "?"}


@dataclass(frozen=True)
class Claim:
    id: str
    section: str        # the article's section, e.g. "2.1"
    zh: str             # exact quote from the article
    en: str             # English rendering
    verdict: str
    why: str            # one or two sentences: what the evidence shows
    chapter: str        # book.toml id of the chapter whose cell decides it
    # Where the truth is in the pinned source: "dir/file.go: func, T.method, type T, const C"
    # joined by "; " (tests/golang/test_sources.py checks each name exists), or None for a claim
    # with no source-code basis; the entry then says why in a comment. Keyword-only and
    # required, so that no claim forgets it.
    source: str | None = field(kw_only=True)
    # The lines of the pinned source that decide the claim, where no chapter output does:
    # "dir/file.go: text" (the text of one line of that file, as it is written there).
    # source_lines() prints each with its file:line, so the evidence is the source itself;
    # tests/test_sources.py checks that each text is still in its file.
    decided_at: tuple[str, ...] = field(default=(), kw_only=True)

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"claim {self.id}: verdict {self.verdict!r} is not one of {VERDICTS}")


CLAIMS: tuple[Claim, ...] = (
    # ---- 1: why Go is efficient -------------------------------------------------------
    Claim("native-no-vm", "1", "它摒弃了传统虚拟机层,直接编译为静态链接的原生机器码,省去了JIT编译开销和运行时解释成"
          "本,启动速度极快,内存占用精简。",
          "Go has no virtual machine: it compiles straight to statically linked native code, with"
          " no JIT or interpreter cost, a very fast start and a small memory footprint.",
          "holds roughly",
          "Native code with the runtime linked in, yes. Static linking is the default only when cgo "
          "is off or unused: with a C compiler present, packages such as net and os/user link libc "
          "dynamically. The ELF inspection in chapter 1 shows both cases.",
          "why-go",
          source="cmd/link/internal/ld/config.go: determineLinkMode, mustLinkExternal"),
    Claim("compiler-passes", "1", 'Go编译器在构建阶段完成类型检查、内联展开、逃逸分析和死代码消除。',
          "The compiler does type checking, inlining, escape analysis and dead-code elimination "
          "at build time.",
          "holds",
          "Inlining and escape analysis are in the compiler's -m output, type checking in every "
          "compile error. Dead code goes in two places: the compiler drops unreachable branches "
          "inside a function (an if on a false constant), and the linker drops every function "
          "nothing reaches (chapter 1 looks them up in the binary).",
          "why-go",
          source="cmd/compile/internal/gc/main.go: Main; "
                 "cmd/compile/internal/inline/interleaved/interleaved.go: DevirtualizeAndInlinePackage; "
                 "cmd/compile/internal/escape/escape.go: Funcs; "
                 "cmd/compile/internal/ssa/deadcode.go: deadcode; "
                 "cmd/link/internal/ld/deadcode.go: deadcode"),
    Claim("add-inlined", "1", 'result := add(3, 5) // 调用点被替换为 mov $8, %rax 等直接指令',
          "The call add(3, 5) is replaced by a direct instruction such as mov $8, %rax.",
          "holds roughly",
          "add is inlined and 3+5 is folded to the constant 8; the exact instruction and register "
          "depend on how the result is used (the assembly view shows the one this compiler emits).",
          "why-go",
          source="cmd/compile/internal/inline/inl.go: CanInline; "
                 "cmd/compile/internal/inline/interleaved/interleaved.go: DevirtualizeAndInlinePackage"),
    Claim("static-by-default", "1", "生成的二进制文件默认静态链接所有依赖(包括运行时),无需动态库加载,避免了dlopen延迟与符"
          "号解析开销。",
          "Binaries statically link all dependencies, the runtime included, by default: no "
          "dynamic loading, so no dlopen delay or symbol resolution.",
          "misleading",
          "True for pure-Go programs and with CGO_ENABLED=0. A default build that uses net or os/user "
          "on a machine with a C compiler gets a dynamic interpreter and libc.",
          "why-go",
          source="cmd/link/internal/ld/config.go: determineLinkMode"),
    Claim("goroutine-2kb", "1", "Go的goroutine由运行时调度器(M:N调度)管理,初始栈仅2KB,可轻松创建百万级协程。",
          "Goroutines are managed by the runtime's M:N scheduler; a goroutine's initial stack is "
          "only 2 KB, so millions can be created easily.",
          "holds",
          "stackMin = 2048 (runtime/stack.go) and a brand-new goroutine gets malg(stackMin) "
          "(proc.go: newproc1); one reused from the free list runs on startingStackSize, never "
          "less (proc.go: gfget). The stack grows by copying when needed."
          ' A million goroutines need at least 2 GB of stacks (2 KiB each) plus a descriptor each: possible on a server, but arithmetic, not something the course measures.',
          "why-go",
          source="runtime/proc.go: newproc1, malg, gfget; runtime/stack.go: const stackMin"),
    Claim("thread-vs-goroutine-table", "1", '| 模型 | 默认栈大小 | 创建开销(纳秒) | 典型并发上限(单机) |\n|---|---|---|---|\n| OS线'
          '程 | ~2 MB | ~10,000 ns | 数千 |\n| Goroutine | 2 KB | ~50 ns | 百万+ |',
          "Table: an OS thread has a ~2 MB stack and costs ~10,000 ns to create; a goroutine 2 KB"
          " and ~50 ns.",
          "wrong",
          "Only the 2 KB holds (a new goroutine gets malg(stackMin)); the other figures are "
          "contradicted. Goroutines are far lighter than threads, but not by the table's factors: "
          "the table prices one thread at 200 goroutines, yet timed the same way (a start and its "
          "first run), chapter 1 finds the ratio far smaller, and neither of the course's timings (that one, "
          "and chapter 2.1's loop of 100,000 go statements with the new goroutines running beside "
          "it) comes near ~50 ns. Linux typically reserves 8 MiB of stack per thread "
          "(RLIMIT_STACK), not 2 MB. The concurrency column (百万+, and the threads' 数千) is not "
          "tested.",
          "why-go",
          source="runtime/proc.go: newproc1, malg"),
    Claim("thousand-fold", "1", '对比POSIX线程(通常需2MB栈空间),内存效率提升千倍以上:',
          "Compared with POSIX threads (usually a 2 MB stack), memory efficiency is more than a "
          "thousand times better.",
          "misleading",
          "2 MB / 2 KB is a ratio of reservations. Resident memory per idle thread is far below its "
          "reserved stack, so the measured ratio is much smaller than 1000.",
          "why-go",
          source=None),  # a ratio of measured memory (RLIMIT_STACK, resident pages)
    Claim("stw-100us", "1", "Go运行时采用三色标记-清除垃圾回收器(GC),STW(Stop-The-World)时间在Go 1.19后稳定控制在"
          "百微秒级。",
          "The runtime's GC is a tri-colour mark-sweep collector; since Go 1.19 its "
          "stop-the-world pauses stay in the hundreds of microseconds.",
          "holds roughly",
          "Typical pauses are that small, but not guaranteed: they depend on the machine, GOMAXPROCS "
          "and load (on a busy machine some pauses take milliseconds, waiting for goroutines to stop). "
          "The pause histogram from runtime/metrics is measured in chapter 3.1. The date is off: "
          "pauses this short date from Go 1.8, which stopped re-scanning stacks with the world "
          "stopped (proposal 17503); Go 1.19 added the memory limit (GOMEMLIMIT). The claim is "
          "about the pause length, which a reader can rely on, so the date is a detail here.",
          "gc",
          source=None),  # pause lengths: runtime/metrics in chapter 3.1, not a rule in the source
    Claim("span-pointer-arithmetic", "1", "其堆内存按span分块管理,分配时通过指针算术快速定位空闲区域,避免传统malloc的链表遍历。",
          "The heap is managed in spans; allocation finds free space by pointer arithmetic, "
          "avoiding malloc's free-list walks.",
          "holds roughly",
          "The fast path (nextFreeFast) finds the next free slot with a count-trailing-zeros on the "
          "span's allocCache bitmap, then computes the address: a bitmap scan, not a list walk.",
          "allocator",
          source="runtime/malloc.go: nextFreeFast"),
    Claim("no-escape-no-alloc", "1", "此外,逃逸分析将可判定生命周期的变量分配在栈上,显著减少堆压力——例如循环中创建的结构体"
          "若未逃逸,全程零堆分配。",
          "Escape analysis puts variables whose lifetime it can prove on the stack: a struct "
          "created in a loop that does not escape causes no heap allocation at all.",
          "holds", "testing.AllocsPerRun reports 0 allocations; -m prints nothing (it stays on the stack).",
          "why-go",
          source="cmd/compile/internal/escape/escape.go: Funcs"),
    Claim("no-vtable", "1", "接口实现不依赖虚函数表,而是通过iface结构体在运行时动态绑定;方法调用经编译器优化后,常"
          "被内联或转为直接地址跳转。",
          "Interfaces do not use a virtual function table but bind at run time through the iface "
          "struct; the compiler often inlines method calls or turns them into direct jumps.",
          "wrong",
          "An interface value holds an itab whose Fun array is exactly a per-(interface, type) "
          "method table; calls through it are indirect unless the compiler devirtualizes them."
          ' The compiler turns such a call into a direct one only when it can prove the concrete type (or, with PGO, for hot call sites).',
          "why-go",
          source="internal/abi/iface.go: type ITab; runtime/iface.go: getitab"),
    Claim("no-indirection", "1", '这种设计使抽象层不引入额外间接跳转,性能逼近C语言函数指针调用。',
          "This design adds no extra indirect jumps to the abstraction, and performance "
          "approaches a call through a C function pointer.",
          "wrong",
          "A call through an interface loads the function pointer from the itab and calls it "
          "indirectly; the benchmark in chapter 1 compares direct, interface and devirtualized calls."
          ' (A call through a C function pointer is itself an indirect call.)',
          "why-go",
          source="internal/abi/iface.go: type ITab; "
                 "cmd/compile/internal/devirtualize/devirtualize.go: StaticCall"),
    Claim("inline-pure", "1", 'return a + b // 编译器识别为纯计算,无副作用,触发内联',
          "The compiler inlines add because it sees a pure computation with no side effects.",
          "misleading",
          "add is inlined, but not for that reason: the compiler inlines any function whose body "
          "costs at most 80 nodes (inlineMaxBudget) and has nothing it cannot inline; side effects "
          "do not matter (a function that writes a global is inlined just the same). Chapter 1's "
          "-m output reports 'can inline add'.",
          "why-go",
          source="cmd/compile/internal/inline/inl.go: CanInline, const inlineMaxBudget",
          decided_at=("cmd/compile/internal/inline/inl.go: inlineMaxBudget       = 80",)),
    # ---- 2.1: the scheduler -------------------------------------------------------------
    Claim("m-n", "2.1", "Go 运行时采用 M:N 调度模型(m个goroutine映射到n个OS线程),由GMP(Goroutine、Machine、Pr"
          "ocessor)三元组协同工作。",
          "The Go runtime uses an M:N scheduler (many goroutines on a few OS threads).",
          "holds", "Gs run on Ms, and an M needs a P to run Go code; GOMAXPROCS sets the number of Ps.",
          "sched",
          source="runtime/proc.go: schedule, findRunnable, execute"),
    Claim("wake-to-local", "2.1", "P(Processor)持有本地运行队列,G被唤醒后优先入P本地队列,避免锁竞争。",
          "A P holds a local run queue; a woken G goes first to the P's local queue, avoiding "
          "lock contention.",
          "holds roughly",
          "More precisely: ready() (a channel, a mutex, a timer) puts it in runnext of the waker's "
          "P, so it runs next and inherits the time slice; the G it displaces moves to the local "
          "queue's tail. A G the network poller wakes goes through injectglist instead: one per "
          "idle P to the global queue, the rest to the local queue.",
          "sched",
          source="runtime/proc.go: ready, runqput, injectglist"),
    Claim("new-g-local-then-global", "2.1", "新建G → 入P本地队列(若满则批量迁移至全局队列)",
          "A new G goes to the P's local queue, and in batches to the global queue when it is full.",
          "holds roughly",
          "The new G goes to the creating P's runnext, not its queue (newproc: runqput(pp, newg, "
          "true)); the G it displaces goes to the local queue's tail, and when that queue is "
          "full, runqputslow moves its older half (128) plus the displaced G, 129 in all, to the "
          "global queue in one batch. The new G itself stays in runnext, which the article "
          "leaves out.",
          "sched",
          source="runtime/proc.go: newproc, runqput, runqputslow"),
    Claim("stealing", "2.1", "P空闲时 → 从全局队列或其它P的队列“偷取”G(work-stealing)",
          "An idle P takes Gs from the global queue or steals from other Ps.",
          "holds",
          "findRunnable looks at the P's own queue first (runqget: runnext, then the local runq). "
          "The only Gs it may pick before that are the trace reader (while a trace runs), a GC mark "
          "worker (during the mark phase) and, every 61st schedtick, one G from the global queue "
          "(a fairness check). A P whose own queue is empty then takes a batch from the global "
          "queue (globrunqgetbatch). Next it polls the network (netpoll), but only when goroutines "
          "wait on the network and no other M is already polling. Then comes stealWork, if this M "
          "is already spinning or the spinning Ms number fewer than half of the non-idle Ps: up to "
          "4 passes (stealTries) over the other Ps in random order, taking half of a victim's "
          "queue, rounded up (runqgrab); only the last pass may take a victim's runnext. If that "
          "finds nothing, findRunnable checks the global queue and every P's queue again, and may "
          "block in netpoll, before the M stops (stopm).",
          "sched",
          source="runtime/proc.go: findRunnable, runqget, globrunqgetbatch, stealWork, runqgrab, stopm"),
    Claim("gosched-local", "2.1", "runtime.Gosched()暂停当前G执行,将其放回本地队列尾部,触发P重新选取G运行;常用于模拟高"
          "并发调度压力。",
          "runtime.Gosched() puts the current G back at the tail of the local queue.",
          "wrong",
          "goschedImpl calls globrunqput: the G goes to the tail of the GLOBAL queue. The "
          "simulator, the runtime source and the real runtime's schedtrace (a global queue that "
          "fills up on one P) all show it.",
          "sched",
          source="runtime/proc.go: goschedImpl, globrunqput"),
    Claim("100k-table", "2.1", 'pprof实测对比(10万goroutine)\n| 场景 | GC暂停时间 | 协程创建耗时(ms) | 内存占用 |\n|--'
          '-|---|---|---|\n| 默认调度 | 1.2ms | 8.7 | 42MB |\n| GOMAXPROCS=1 | 3.5ms | 21.4 | 38M'
          "B |",
          "Table: 100,000 goroutines: GC pause 1.2 ms, creation 8.7 ms, 42 MB (GOMAXPROCS=1: 3.5 "
          "ms, 21.4 ms, 38 MB).",
          "cannot be checked here",
          "The article says neither what its goroutines do nor on which machine. Chapter 2.1 "
          "re-runs it with an explicit workload (a short spin and a 256-byte allocation each): "
          "every figure moves with the load, the workload and the number of Ps, so the table can "
          "be re-measured but not confirmed.",
          "sched",
          source=None),  # the article's own measurements, re-measured in chapter 2.1
    Claim("gosched-yields-p", "2.1", 'runtime.Gosched() // 主动让出P,强制调度器介入',
          "runtime.Gosched() gives up the P and makes the scheduler step in.",
          "holds roughly",
          "Gosched yields the processor: goschedImpl takes the G off its M, puts it on the global "
          "queue and calls schedule(), so the scheduler does step in. The M keeps its P, though, "
          "and runs schedule() to pick the next G; wakep() may start another M on an idle P, "
          "which can take the yielded G from the global queue.",
          "sched",
          source="runtime/proc.go: Gosched, goschedImpl, schedule",
          decided_at=("runtime/proc.go: // Gosched yields the processor, allowing other goroutines",)),
    # ---- 2.2: channels ---------------------------------------------------------------------
    Claim("zero-copy-channel", "2.2", "采用 io_uring + memfd_create() 构建无锁环形缓冲区通道",
          "Channels use io_uring and memfd_create() to build a lock-free zero-copy ring buffer.",
          "wrong",
          "runtime/chan.go has a mutex-guarded ring buffer (hchan) and copies every element, into "
          "the buffer or straight to a parked receiver's stack. Go uses neither io_uring nor memfd "
          "for channels, and the article's code is not Go.",
          "channels",
          source="runtime/chan.go: type hchan, chansend, sendDirect"),
    Claim("zero-copy-table", "2.2", '性能对比(1MB消息吞吐)\n| 方式 | 延迟(μs) | CPU占用率 | 内存拷贝次数 |\n|---|---|---|--'
          '-|\n| JSON over HTTP | 420 | 38% | 4 |\n| Channel零拷贝 | 68 | 9% | 0 |',
          "Table: a zero-copy channel moves 1 MB messages in 68 µs with 0 copies.",
          "cannot be checked here",
          "The channel row describes a mechanism Go does not have (see zero-copy-channel). Chapter "
          "2.2 re-measures the JSON-over-HTTP row on the loopback interface and shows what a Go "
          "channel does with a 1 MiB message instead: sent as a slice, only its 24-byte header is "
          "copied; sent as 32 KiB values, every byte is copied twice (into the buffer and out).",
          "channels",
          source="runtime/chan.go: chansend, sendDirect"),
    Claim("chan-no-serialization", "2.2", "零拷贝数据流依赖内核态与用户态共享内存页,Channel作为抽象载体绕过传统序列化/反序列化"
          "路径。",
          "Zero-copy data flow relies on memory pages shared between kernel and user space; a "
          "channel carries it past serialization.",
          "misleading",
          "Inside one process a channel does pass Go values without serializing them, but it copies "
          "each element (typedmemmove into the buffer, or sendDirect to a parked receiver) and "
          "shares no pages with the kernel; and a channel cannot reach another process or "
          "service, so it cannot replace serialization between microservices.",
          "channels",
          source="runtime/chan.go: chansend, sendDirect"),
    Claim("memfd-io-uring", "2.2", "memfd_create 创建匿名内存文件,MAP_SHARED 实现跨进程页表映射;io_uring 提交读写请求时"
          "直接操作物理页地址,避免 copy_to_user/copy_from_user。",
          "memfd_create makes an anonymous memory file, MAP_SHARED maps its pages into several "
          "processes, and io_uring works on physical page addresses, avoiding copy_to_user and "
          "copy_from_user.",
          "misleading",
          "A true half joined to a false one. memfd_create and MAP_SHARED do share pages between "
          "processes; but io_uring is handed ordinary user buffers (virtual addresses), never "
          "physical ones, and whether an operation copies depends on the operation, not on "
          "io_uring as such (a buffered file read copies from the page cache). And Go's "
          "channels use none of it: chapter 2.2 finds neither io_uring nor memfd in the pinned "
          "runtime.",
          "channels",
          source="runtime/chan.go: type hchan"),
    # ---- 2.3: scheduler under load ---------------------------------------------------------
    Claim("pprof-sched", "2.3", '# 采集Go运行时调度器统计(需启用pprof)\ncurl "http://localhost:6060/debug/pprof/sched?'
          'debug=1" 2>/dev/null | \\\nawk \'/^goroutines:/ {print "G:", $2} /^threads:/ {print "M:'
          "\", $2} /^idleprocs:/ {print \"P_idle:\", $2}'",
          "Scheduler statistics can be read from /debug/pprof/sched.",
          "wrong",
          "net/http/pprof has no sched profile, and neither schedtrace nor a pprof page prints the "
          "'goroutines: N', "
          "'threads: N' and 'idleprocs: N' lines the awk script reads (schedtrace prints one "
          "line: 'SCHED ...: gomaxprocs=2 idleprocs=0 threads=5 ...'). The real tools are "
          "GODEBUG=schedtrace, runtime/trace with go tool trace, and runtime/metrics.",
          "sched-load",
          source="runtime/pprof/pprof.go: Lookup, Profiles; net/http/pprof/pprof.go: Index"),
    Claim("knee-8500", "2.3", "关键拐点特征(QPS=8500时观测)",
          "The scheduler's knee on the Kubernetes API server was observed at 8,500 QPS.",
          "cannot be checked here",
          "A figure from one unnamed cluster and API server. Chapter 2.3 finds the knee of a "
          "scaled-down server instead; it moves with the handler's work, the cores and "
          "whatever else runs.",
          "sched-load",
          source=None),  # one cluster's figure
    Claim("gm-ratio-signal", "2.3", "该命令提取实时G/M/P状态:goroutines反映协程总数(含阻塞态),threads为OS线程数(M),idlepr"
          "ocs表示空闲P数量——三者比值突变即为调度器饱和信号。",
          "The command reads the G/M/P state; a sudden change in the ratios of goroutines, "
          "threads and idle Ps signals a saturated scheduler.",
          "misleading",
          "Half of it does not hold: goroutines follow open connections and threads stay nearly "
          "constant, so G:M grows with the load whether or not the server keeps up (a healthy "
          "server holding many idle connections scores far above 500:1, the chapter's saturated "
          "one far below). The idle-P half says only that the Ps are busy, not how long "
          "goroutines wait: once every P is busy the share stays at its floor however long the "
          "queues grow, and where the client shares the server's cores, as in the chapter, Ps "
          "also go idle while the client runs, so the share measures the client too. The direct "
          "signal is the wait for a P: /sched/latencies:seconds.",
          "sched-load",
          source="runtime/proc.go: schedtrace"),
    Claim("schedtrace-fields", "2.3", "goroutines反映协程总数(含阻塞态),threads为OS线程数(M),idleprocs表示空闲P数量",
          "goroutines is the number of goroutines (blocked ones included), threads the number of "
          "OS threads (Ms), idleprocs the number of idle Ps.",
          "holds roughly",
          "Right for what the runtime reports, though not from the article's URL: schedtrace prints "
          "idleprocs= (sched.npidle) and threads= (mcount(), every M ever created and not exited, "
          "idle ones included); the goroutine count, blocked ones included, is "
          "runtime.NumGoroutine or /sched/goroutines:goroutines, not a schedtrace field.",
          "sched-load",
          source="runtime/proc.go: schedtrace, mcount; runtime/debug.go: NumGoroutine",
          decided_at=('runtime/proc.go: print("SCHED ", (now-starttime)/1e6',)),
    Claim("gm-500-row", "2.3", '| 指标 | 正常区间 | 拐点阈值 | 行为表现 |\n|---|---|---|---|\n| G:M 比值 | 100–300:1 |'
          " >500:1 | M频繁抢占,上下文切换激增 |",
          "Table: a normal G:M ratio is 100-300:1; above 500:1 the scheduler is past its knee, Ms "
          "preempt each other often and context switches soar.",
          "wrong",
          "The thresholds do not hold: G:M follows the number of open connections, so a healthy "
          "server with many idle connections is far above 500:1 and the chapter's saturated one "
          "far below. Nor do Ms preempt each other: sysmon asks a G that ran too long to stop "
          "(retake, preemptone), whatever the ratio.",
          "sched-load",
          source="runtime/proc.go: retake, preemptone"),
    Claim("pidle-row", "2.3", '| P_idle / GOMAXPROCS | ≥0.3 | P长期被抢占,G排队等待 |',
          "Table: idle Ps below 0.3 of GOMAXPROCS mean Ps are preempted for long and Gs queue.",
          "misleading",
          "Few idle Ps only says that the Ps are busy; a P is not 'preempted' (a G is). Whether Gs "
          "wait is what /sched/latencies:seconds measures, and a server can keep every P busy "
          "without any G waiting long.",
          "sched-load",
          source="runtime/proc.go: schedtrace"),
    Claim("etcd-block-graph", "2.3", 'graph TD\nA[HTTP Handler Goroutine] --> B[etcd Watch阻塞]\nB --> C{P被抢占?}\nC -->|是|'
          ' D[转入全局G队列]\nC -->|否| E[本地G队列执行]\nD --> F[所有P轮询抢G]\nF --> G[Cache mis'
          "s & TLB抖动]",
          "Diagram: a handler goroutine blocked on an etcd watch moves to the global queue if its "
          "P is preempted, and all Ps then poll to grab it.",
          "wrong",
          "A goroutine blocked on the network is parked (netpollblock: gopark) and is in no run "
          "queue at all; its M runs other Gs on the same P. When the socket is ready the netpoller "
          "makes it runnable again (injectglist: one G per idle P onto the global queue, with "
          "those Ps started, the rest onto the polling M's own P, or all onto the global queue "
          "when that M holds no P). No P polls for that G, which is in no queue: an M looking "
          "for work asks the netpoller which Gs are ready (findRunnable).",
          "sched-load",
          source="runtime/netpoll.go: netpollblock; runtime/proc.go: injectglist, findRunnable",
          decided_at=("runtime/netpoll.go: gopark(netpollblockcommit",)),
    # ---- 2.4: sync.Pool and atomics ----------------------------------------------------------
    Claim("pool-gc-40", "2.4", "元数据服务每秒处理超 120 万条视频标签解析请求,高频创建 TagSet 结构体曾导致 GC 压力飙"
          "升 40%。",
          "The metadata service parses over 1.2 million tag requests per second; creating a "
          "TagSet per request raised GC pressure by 40% (sync.Pool fixed it).",
          "cannot be checked here",
          "The service is not available; chapter 2.4 measures the same pattern: allocations per "
          "operation with and without the pool.",
          "pool-atomic",
          source=None),  # the article's service's figure
    Claim("pool-no-guarantee", "2.4", "Pool 不保证对象存活",
          "A Pool does not guarantee that pooled objects survive.",
          "holds", "The GC clears pools (poolCleanup, with a victim cache for one more cycle).",
          "pool-atomic",
          source="sync/pool.go: poolCleanup"),
    Claim("atomic-23", "2.4", '使用 atomic.Int64 替代 mutex 保护请求计数器:\n| 指标 | mutex 实现 | atomic 实现 |\n|--'
          '-|---|---|\n| QPS 提升 | — | +23% |\n| P99 延迟 | 18.7ms | 12.3ms |',
          "Guarding the request counter with atomic.Int64 instead of a mutex raised QPS by 23% "
          "(and cut p99 latency from 18.7 ms to 12.3 ms).",
          "cannot be checked here",
          "The +23% and the p99 figures belong to the article's service. What the chapter "
          "measures: an atomic add costs less than an uncontended lock/unlock pair (decided with "
          "one P, by a 1.3x margin), but inside a request with other work the saving shrinks to a "
          "small share of the request's time. +23% QPS would mean the service spent about a fifth "
          "of its time on that one lock.",
          "pool-atomic",
          source=None),  # the article's service's figures; chapter 2.4 measures the pattern
    Claim("pool-reset", "2.4", "Get()返回的对象需显式重置(如清空 slice),避免脏数据污染",
          "An object from Get() must be reset explicitly (e.g. empty its slice) or it carries "
          "stale data.",
          "holds",
          "A pooled TagSet that is not reset hands the previous request's labels to the next "
          "one; Pool.Get returns whatever was Put, as it was.",
          "pool-atomic",
          source="sync/pool.go: Pool.Get, Pool.Put"),
    Claim("pool-freeosmemory", "2.4", 'Pool 不保证对象存活,需配合\nruntime/debug.FreeOSMemory()定期压测验证',
          "Because a Pool does not keep objects alive, verify it regularly under load with "
          "runtime/debug.FreeOSMemory().",
          "misleading",
          "FreeOSMemory is a forced GC plus returning free memory to the OS (mheap.go: "
          "runtime_debug_freeOSMemory). To a Pool that is one more GC, which empties it like any "
          "other (poolCleanup: the chapter shows two of them clearing it), so it verifies "
          "nothing a runtime.GC() in a test would not; code must simply work whenever Get calls "
          "New.",
          "pool-atomic",
          source="runtime/mheap.go: runtime_debug_freeOSMemory; sync/pool.go: poolCleanup"),
    Claim("tagset-cap-8", "2.4", "return &TagSet{Labels: make([]string, 0, 8)} // 预分配8元素切片,匹配95%请求长度",
          "Pre-allocating 8 labels per TagSet matches the length of 95% of requests.",
          "cannot be checked here",
          "A figure from the article's service traffic, which the course does not have.",
          "pool-atomic",
          source=None),  # the article's traffic histogram
    Claim("pool-new-when-empty", "2.4", 'New函数仅在池空时调用;',
          "New is called only when the pool is empty.",
          "holds roughly",
          "Get calls New only when it finds nothing: not in the P's private slot, its shared "
          "chain, other Ps' chains or the victim cache. But Pool.Get's documentation allows it to "
          "'ignore the pool and treat it as empty' (with the race detector it drops some Puts on "
          "purpose), so code must not count on getting back what it Put.",
          "pool-atomic",
          source="sync/pool.go: Pool.Get, Pool.getSlow",
          decided_at=("sync/pool.go: // Get may choose to ignore the pool and treat it as empty.",)),
    Claim("put-zero-tags", "2.4", '- ✅\nPut()前必须归零Tags字段 - ❌ 禁止将含 goroutine 引用的对象放入池',
          "Reset the Tags field before Put(); never put an object holding goroutine references in"
          " the pool.",
          "holds roughly",
          "Resetting before Put (or right after Get) keeps one request's labels out of the next, as "
          "the chapter shows; the article's TagSet has no Tags field (it is Labels). Go has no "
          "goroutine references; the rule that matters is not to Put an object that something "
          "still uses.",
          "pool-atomic",
          source="sync/pool.go: Pool.Put"),
    # ---- 2.5: context ------------------------------------------------------------------------
    Claim("deadline-hop", "2.5", "服务间需透传 traceID、spanID 及 deadline,确保超时信号可逐跳感知并触发统一回滚:",
          "Services pass traceID, spanID and the deadline along, so that every hop sees the "
          "timeout and a unified rollback is triggered.",
          "misleading",
          "A true half joined to a false one. Inside one process every hop sees the tightest "
          "deadline (a child's deadline is capped by its parent's) and gets DeadlineExceeded "
          "(chapter 2.5); between services only if the transport carries it (gRPC sends "
          "grpc-timeout, net/http sends none). And a context only signals: nothing is rolled "
          "back unless each function checks ctx.Done(), returns and undoes its own work.",
          "context",
          source="context/context.go: WithDeadlineCause"),
    Claim("otel-timeout", "2.5", 'ctx, cancel := context.WithTimeout(\notel.Tracer("order-svc").Start(ctx, "create-orde'
          'r"),\n5*time.Second,\n)',
          "WithTimeout(otel.Tracer(...).Start(ctx, \"create-order\"), 5*time.Second) adds a deadline "
          "and tracing metadata in one call.",
          "wrong",
          "Tracer.Start returns two values (a context and a span), so it cannot be WithTimeout's "
          "parent argument: the code does not compile (shown with a stand-in tracer of the same "
          "signature). Split it: ctx, span := tracer.Start(...); defer span.End().",
          "context",
          source=None),  # a compile error of the article's code (OpenTelemetry is not in the source tree)
    Claim("deadline-table", "2.5", '| 组件 | 是否透传 deadline | 是否上报 cancel 原因 | 支持 trace 关联 |\n|---|---|---|-'
          '--|\n| gRPC client | ✅ | ✅ | ✅ |\n| HTTP middleware | ✅ | ❌(需手动注入) | ✅ |\n| DB dri'
          "ver | ⚠️(依赖驱动实现) | ❌ | ❌ |",
          "Table: gRPC clients and HTTP middleware pass the deadline on; DB drivers depend on "
          "the driver.",
          "misleading",
          "net/http does not send a deadline: the server's request context has none and is only "
          "cancelled when the client hangs up (shown over loopback). gRPC's grpc-timeout header "
          "cannot be checked here (not in the standard library); database/sql does hand the "
          "context to the driver, whose use of it varies, as the table says.",
          "context",
          source="net/http/server.go: conn.serve; database/sql/sql.go: DB.QueryContext"),
    Claim("ctx-atomicity", "2.5", "在跨服务调用链中,context.WithTimeout 与 context.WithCancel 的传播是保障事务原子性与"
          "可观测性的关键载体。",
          "Across a chain of service calls, propagating WithTimeout and WithCancel contexts is "
          "the key carrier of a transaction's atomicity and observability.",
          "misleading",
          "A context carries a deadline and a cancellation signal; it rolls nothing back and "
          "commits nothing. The chapter's hops return early only because each one checks "
          "ctx.Done(); atomicity across services needs a protocol of its own (two-phase commit, "
          "sagas with compensations).",
          "context",
          source="context/context.go: WithCancel, WithTimeout"),
    Claim("withtimeout-metadata", "2.5", '// 创建带超时的上下文,自动注入可观测元数据',
          "Creating a context with a timeout injects observability metadata automatically.",
          "wrong",
          "WithTimeout is WithDeadline(parent, time.Now().Add(timeout)): it adds a deadline, a "
          "timer and a cancel function, nothing else. Trace metadata is whatever the tracer put "
          "into the parent context.",
          "context",
          source="context/context.go: WithTimeout, WithDeadline",
          decided_at=("context/context.go: return WithDeadline(parent, time.Now().Add(timeout))",)),
    Claim("withtimeout-explained", "2.5", "WithTimeout将截止时间注入 context,并通过otel.Tracer.Start注入 OpenTelemetry 上下文;c"
          "ancel()确保资源及时释放。参数5*time.Second是业务 SLA 约束,需与下游服务 timeout 配置"
          "对齐。",
          "WithTimeout puts the deadline into the context, Tracer.Start adds the OpenTelemetry "
          "context, and cancel() releases resources promptly.",
          "holds roughly",
          "Each call does what is said: a deadline, a span in the returned context (OpenTelemetry "
          "is not part of this course), and cancel() stops the timer and detaches the context "
          "from its parent, which is why it must be called. But in the article's code the two "
          "cannot be combined that way: Start returns two values (see the compile error above).",
          "context",
          source="context/context.go: WithDeadline, cancelCtx.cancel",
          decided_at=("context/context.go: // Canceling this context releases resources associated with it",)),
    Claim("auto-report-cancel", "2.5", 'A[Order Service] -->|ctx.WithTimeout| B[Payment Service]\nB -->|ctx.Err() == context.'
          'DeadlineExceeded| C[Inventory Service]\nC --> D[自动上报 cancel_event + trace_status='
          "ERROR]",
          "Diagram: a deadline exceeded down the chain is reported automatically as a cancel event "
          "with trace status ERROR.",
          "wrong",
          "Cancelling a context stores its error and cause and closes its Done channel "
          "(cancelCtx.cancel); it reports nothing to anyone. A trace records the error only if "
          "code checks ctx.Err() and sets the span's status itself.",
          "context",
          source="context/context.go: cancelCtx.cancel",
          decided_at=("context/context.go: c.err.Store(err)",)),
    # ---- 3.1: the garbage collector ---------------------------------------------------------
    Claim("hybrid-since-121", "3.1", "Go 1.21+ 默认启用的三色标记 + 混合写屏障(hybrid write barrier),显著压缩了最终STW窗口。",
          "The tri-colour collector with the hybrid write barrier, on by default since Go 1.21, "
          "markedly shrank the final stop-the-world window.",
          "misleading",
          "Literally true, since Go 1.21 does collect that way, but it dates the design to Go "
          "1.21: the hybrid write barrier arrived in Go 1.8 (proposal 17503, 'eliminate STW "
          "stack re-scanning', cited in runtime/mbarrier.go) and concurrent tri-colour marking "
          "in Go 1.5."
          ' The shorter final pause is real: no stack re-scan at mark termination.',
          "gc",
          source="runtime/mwbbuf.go: wbBufFlush1"),
    Claim("barrier-per-region", "3.1", "- 混合屏障动态切换:栈对象用插入式(保障强一致性),堆对象用删除式(减少标记传播)",
          "The hybrid barrier uses an insertion barrier for stack objects and a deletion barrier "
          "for heap objects.",
          "wrong",
          "There is no insertion barrier for stacks: writes to local variables (the current frame) "
          "have no barrier at all; only a write through a pointer the compiler cannot prove points "
          "into the stack runs it (mbarrier.go, 'Stack writes'). While the barrier is on, every "
          "heap pointer write shades both the old and the new pointer (the Yuasa and Dijkstra "
          "halves together: gcWriteBarrier2 reserves two wbBuf slots and the compiled code stores "
          "both pointers there), and stacks are scanned once, never re-scanned. The article's "
          "rule, which skips the shade when the new object is marked, loses a live object in the "
          "model.",
          "gc",
          source="runtime/mwbbuf.go: wbBuf.get2, wbBufFlush1"),
    Claim("daemon-72h", "3.1", "该实现使Daemon在72小时连续运行下,99% GC STW ≤ 150μs(实测数据见下表)。",
          "Over 72 hours, the Docker daemon's 99th-percentile GC pause stayed at or below 150 µs.",
          "cannot be checked here",
          "Chapter 3.1 runs a scaled-down long-running allocation workload and plots its pause "
          "distribution from runtime/metrics.",
          "gc",
          source=None),  # a production run's figures
    Claim("insertion-barrier-cost", "3.1", '- 传统“插入式”写屏障导致大量冗余标记,加剧并发扫描压力',
          "The traditional insertion write barrier causes much redundant marking and adds to the "
          "concurrent scanning load.",
          "misleading",
          "What the insertion (Dijkstra) barrier cost Go before 1.8 was not redundant marking "
          "(though it keeps some dying objects alive until the next cycle): writes to local "
          "variables have no barrier, so every stack had to be re-scanned with the world stopped "
          "at the end of marking. Removing that re-scan is what the hybrid barrier was for "
          "(proposal 17503, cited in mbarrier.go).",
          "gc",
          source="runtime/mgcmark.go: scanstack; runtime/mwbbuf.go: wbBufFlush1",
          decided_at=("runtime/mbarrier.go: design/17503-eliminate-rescan.md",)),
    Claim("gcstart-root-snapshot", "3.1", '- GC触发时仅需短暂STW完成根对象快照(\nruntime.gcStart阶段),后续标记全程并发',
          "A GC cycle needs only a short stop-the-world at start (gcStart) to snapshot the roots; "
          "all marking after it is concurrent.",
          "holds roughly",
          "gcStart's stop-the-world (sweep termination) finishes the last sweep, turns on the write "
          "barrier and lists the root jobs: only the set of goroutines is snapshotted "
          "(allGsSnapshot); globals and stacks are scanned afterwards, concurrently, each goroutine "
          "stopped only while its own stack is scanned. Marking is all concurrent: the cycle's "
          "second pause, mark termination (the article's final STW), does no marking of its own: "
          "it checks that no mark work is left (resuming concurrent marking if some is) and "
          "turns to sweeping. Chapter 3.1 counts the two pauses.",
          "gc",
          source="runtime/mgc.go: gcStart, gcMarkDone, gcMarkTermination; "
                 "runtime/mgcmark.go: gcPrepareMarkRoots, markroot",
          decided_at=("runtime/mgc.go: stw = stopTheWorldWithSema(stwGCSweepTerm)",
                      "runtime/mgcmark.go: work.stackRoots = allGsSnapshot()",
                      "runtime/mgc.go: stw = stopTheWorldWithSema(stwGCMarkTerm)")),
    Claim("wb-pseudocode", "3.1", '// src/runtime/mbarrier.go(简化示意)\nfunc gcWriteBarrier(ptr *uintptr, newobj uintpt'
          'r) {\nif inStack(ptr) {\n// 插入式:将newobj加入灰色队列,确保可达性不丢失\nshade(newobj)'
          ' // 参数:newobj为新引用目标地址,必须立即标记\n} else {\n// 删除式:仅当原指针被覆盖且ol'
          'dobj未被标记时记录\nif !isMarked(*ptr) && !isMarked(newobj) {\nenqueueToDirtyHeap(*ptr)'
          ' // 参数:*ptr为将被覆盖的旧对象地址\n}\n}\n}',
          "runtime/mbarrier.go's gcWriteBarrier (simplified) shades the new object for stack "
          "slots and records the old one for heap slots.",
          "wrong",
          "There is no such Go function: gcWriteBarrier is assembly (asm_amd64.s) that only "
          "reserves space in the P's write-barrier buffer, and the compiled code stores the old "
          "and the new pointer there. The compiler leaves it out only where it can prove the slot "
          "is on the stack (chapter 3.1's listing: none in the stack-writing function), and both "
          "pointers are shaded whatever "
          "their colour (wbBufFlush1 merely skips objects already marked): the old one is never "
          "left out because the new one is marked.",
          "gc",
          source="runtime/mwbbuf.go: wbBuf.get2, wbBufFlush1",
          decided_at=("runtime/asm_amd64.s: TEXT gcWriteBarrier<>(SB)",)),
    Claim("daemon-table", "3.1", '| 运行时长 | 平均STW | P99 STW | 标记并发率 |\n|---|---|---|---|\n| 24h | 82μs | 126μs'
          ' | 99.3% |\n| 72h | 91μs | 148μs | 98.7% |',
          "Table: the daemon's mean and P99 stop-the-world over 24 h and 72 h (82/126 µs, 91/148 "
          "µs), with 99.3% and 98.7% 'mark concurrency'.",
          "cannot be checked here",
          "A production run the course does not have; the article names neither the Go version nor "
          "how its 'mark concurrency' is computed (the runtime reports no such figure). Chapter "
          "3.1 computes the same columns for a scaled-down run.",
          "gc",
          source=None),  # the Docker daemon's figures
    Claim("gc-phase-graph", "3.1", 'A[GC Start STW] --> B[根扫描 & 栈快照]\nB --> C[并发标记:混合屏障实时同步]\nC --> D[辅'
          '助标记:后台mark worker]\nD --> E[最终STW:清理与状态切换]',
          "Diagram: GC start stop-the-world, then root scan and stack snapshot, concurrent marking, "
          "assists by background mark workers, and a final stop-the-world.",
          "misleading",
          "The two pauses and their order are right, but roots are not a step before marking: "
          "each mark worker takes root jobs (globals, stacks) and then heap objects in the same "
          "loop (gcDrain), and stacks are scanned, not snapshotted. Assists are neither "
          "background workers nor a later step: a goroutine that allocates during marking does "
          "mark work itself (gcAssistAlloc), the whole phase long, beside the background "
          "workers (gcBgMarkWorker).",
          "gc",
          source="runtime/mgcmark.go: gcDrain, markroot, scanstack, gcAssistAlloc; "
                 "runtime/mgc.go: gcBgMarkWorker"),
    Claim("stw-ms-to-us", "3.1", "混合屏障通过差异化策略,在保证内存安全前提下,将STW从毫秒级压至百微秒级,成为Daemon高可"
          "用的关键基石。",
          "By its differentiated strategy, the hybrid barrier cut stop-the-world pauses from "
          "milliseconds to a hundred-odd microseconds.",
          "misleading",
          "The effect is real and dates from Go 1.8: with no stack re-scan at mark termination, "
          "pauses fell from milliseconds to well under one. But there is no differentiated "
          "strategy: every heap pointer write shades both pointers, and writes to local variables "
          "get no barrier.",
          "gc",
          source="runtime/mwbbuf.go: wbBufFlush1",
          decided_at=("runtime/mbarrier.go: design/17503-eliminate-rescan.md",)),
    # ---- 3.2: stacks and escape analysis -------------------------------------------------------
    Claim("addr-escapes", "3.2", "逻辑分析:process(&ctx) 使 ctx 地址暴露给外部作用域,Go 编译器(go tool compile -gcflag"
          "s=\"-m\")标记其逃逸;参数 &ctx 是逃逸判定的直接诱因,应改用值传递或预分配池。",
          "Passing &ctx is by itself what makes ctx escape to the heap.",
          "misleading",
          "Taking an address does not make a variable escape. It escapes only if the callee lets "
          "the pointer outlive the call (stores it, returns it, hands it to an interface that "
          "leaks); -m reports 'does not escape' otherwise.",
          "stacks-escape",
          source="cmd/compile/internal/escape/solve.go: batch.outlives"),
    Claim("ptr-literal-heap", "3.2", '| 场景 | 是否逃逸 | 分配位置 | 典型延迟影响(10k RPS) |\n|---|---|---|---|\nctx := Requ'
          'estCtx{} + 值传递 |\n否 | 栈 | |\nctx := &RequestCtx{} |\n是 | 堆 | +120ns(含GC开销) |',
          "Table: ctx := RequestCtx{} passed by value stays on the stack; ctx := &RequestCtx{} "
          "escapes and is allocated on the heap (+120 ns at 10k RPS).",
          "misleading",
          "Writing &T{} decides nothing: if the pointer never leaves the function (or goes only "
          "to callees that do not keep it), -m prints '&RequestCtx{} does not escape' and the "
          "struct stays on the stack with 0 allocations; it moves to the heap only when the "
          "pointer is kept.",
          "stacks-escape",
          source="cmd/compile/internal/escape/solve.go: batch.outlives"),
    Claim("escape-120ns", "3.2", 'ctx := &RequestCtx{} |\n是 | 堆 | +120ns(含GC开销) |',
          "Table: a heap-allocated request context adds 120 ns per request (GC included) at 10k "
          "RPS.",
          "cannot be checked here",
          "The Envoy plugin and its load are not available. Chapter 3.2 measures the same pattern "
          "with go test -benchmem: one allocation per request and what it costs, which depends "
          "on the struct's size and on GC pressure.",
          "stacks-escape",
          source=None),  # a plugin's measured cost
    Claim("sprintf-escape", "3.2", '✅ 禁用插件中\nfmt.Sprintf、map[string]interface{}等隐式逃逸操作',
          "Ban fmt.Sprintf, map[string]interface{} and other hidden sources of escapes from "
          "plugins.",
          "holds roughly",
          "-m reports both: Sprintf's arguments and a map[string]interface{}'s values escape, "
          "converted to interfaces, and Sprintf's result is new memory (with the chapter's "
          "values, 2 and 3 allocations per call, 0 with strconv and a reused buffer). But an "
          "escape is not always an allocation: integers from 0 to 255, single-byte and zero-size "
          "values and constants are boxed without one (runtime/iface.go: convT64 points into "
          "staticuint64s), and a one-byte string costs nothing (runtime/string.go: "
          "slicebytetostring), so Sprintf(\"%d\", v) allocates 0 times for 5, once for 42, "
          "twice for 70000.",
          "stacks-escape",
          source="runtime/iface.go: convT64, convTstring; "
                 "runtime/string.go: slicebytetostring; "
                 "fmt/print.go: Sprintf"),
    Claim("no-escape-stack-fields", "3.2", "当插件中请求上下文对象(如 HttpRequestCtx)被编译器判定为“不逃逸”,其字段将全部栈分配:",
          "When the compiler decides a request context does not escape, all its fields are "
          "allocated on the stack.",
          "holds roughly",
          "A variable that does not escape stays in the stack frame (or in registers), unless it is "
          "larger than 128 KiB (64 KiB for implicit ones such as make with a constant size): then "
          "-m says 'too large for stack' and it goes to the heap.",
          "stacks-escape",
          source="cmd/compile/internal/escape/utils.go: HeapAllocReason",
          decided_at=("cmd/compile/internal/ir/cfg.go: MaxStackVarSize = int64(128 * 1024)",)),
    Claim("inline-no-escape", "3.2", "ctx := newRequestCtx() // 若 newRequestCtx() 内联且无地址逃逸,ctx 栈分配",
          "If newRequestCtx() is inlined and no address escapes, ctx is allocated on the stack.",
          "holds",
          "Inlining lets escape analysis see the constructor's allocation in the caller; if no "
          "pointer to it outlives the call, it stays on the stack (the chapter's -m output).",
          "stacks-escape",
          source="cmd/compile/internal/escape/solve.go: batch.outlives"),
    Claim("addr-forces-heap", "3.2", 'process(&ctx) // ⚠️ 此处取地址将触发逃逸 → 强制堆分配',
          "process(&ctx): taking the address here makes ctx escape and forces a heap allocation.",
          "misleading",
          "Only if process keeps the pointer: chapter 3.2 compiles both kinds of process, and "
          "-m reports ctx as not escaping when process only reads through it.",
          "stacks-escape",
          source="cmd/compile/internal/escape/solve.go: batch.outlives"),
    Claim("pool-generic", "3.2", '- ✅ 在 FilterChain 初始化阶段预分配\nsync.Pool[*HttpRequestCtx]',
          "Pre-allocate a sync.Pool[*HttpRequestCtx] when the filter chain starts.",
          "holds roughly",
          "Creating a pool of *HttpRequestCtx when the filter chain starts is right, but the "
          "notation is off: sync.Pool is not a generic type (type Pool struct, with New func() "
          "any), so sync.Pool[*HttpRequestCtx] does not compile; a pool holds any and Get's "
          "result needs a type assertion. Filling the pool at start is pointless: each GC moves "
          "its objects to the victim cache and the next one drops them (poolCleanup).",
          "stacks-escape",
          source="sync/pool.go: type Pool, poolCleanup",
          decided_at=("sync/pool.go: type Pool struct {",)),
    Claim("no-gc-in-request", "3.2", '❌ 避免在\nOnRequest中调用runtime.GC()或debug.FreeOSMemory()',
          "Do not call runtime.GC() or debug.FreeOSMemory() in OnRequest.",
          "holds",
          "runtime.GC blocks its caller until a whole cycle has finished (and may block the whole "
          "program); FreeOSMemory forces the same collection and then returns memory to the OS.",
          "stacks-escape",
          source="runtime/mgc.go: GC; runtime/mheap.go: runtime_debug_freeOSMemory",
          decided_at=("runtime/mgc.go: // GC runs a garbage collection and blocks the caller until the",)),
    Claim("stack-zero-gc", "3.2", 'B --> C{是否含指针逃逸?}\nC -->|否| D[栈分配+零GC开销]',
          "Diagram: no pointer escapes, so the value is on the stack with zero GC cost.",
          "holds roughly",
          "A stack value costs no heap allocation and is freed with its frame, so it adds nothing "
          "to the GC's pacing; but stacks are roots the GC still scans (scanstack) for pointers "
          "they hold.",
          "stacks-escape",
          source="runtime/mgcmark.go: scanstack",
          decided_at=("runtime/mgcmark.go: func scanstack(gp *g, gcw *gcWork) int64 {",)),
    Claim("envoy-go-wasm", "3.2", "在 Envoy 的 Go 插件运行时(如基于 go-envoy 的 WASM 扩展),Go 运行时的栈动态增长机制与"
          "逃逸分析结果直接影响内存分配路径与 GC 压力。",
          "In Envoy's Go plugin runtime (such as WASM extensions based on go-envoy), Go's stack "
          "growth and its escape analysis decide the allocation path and the GC pressure.",
          "holds roughly",
          "For Go code, yes: what escape analysis keeps on the stack costs no heap allocation and "
          "no GC work, as chapter 3.2 measures. The Envoy part is not checked here: Envoy is not "
          "part of the course.",
          "stacks-escape",
          source="cmd/compile/internal/escape/escape.go: Funcs"),
    # ---- 3.3: the allocator ------------------------------------------------------------------
    Claim("mcache-numsizeclasses", "3.3", 'type mcache struct {\nalloc[NumSizeClasses]*mspan // 按 size class 分片缓存\n}',
          "mcache holds alloc[NumSizeClasses]*mspan, one span per size class.",
          "wrong",
          "mcache.alloc is indexed by span class: [numSpanClasses]*mspan, twice the number of size "
          "classes (a scan and a noscan span for each).",
          "allocator",
          source="runtime/mcache.go: type mcache; runtime/mheap.go: const numSpanClasses"),
    Claim("mcache-per-p", "3.3", '每个 P 绑定独立 mcache,避免 mcentral 全局锁:',
          "Each P is bound to its own mcache, which avoids mcentral's global lock.",
          "misleading",
          "A true half joined to a false one. Each P has its own mcache (runtime2.go: p.mcache), "
          "so the fast path takes no lock. But mcentral has no global lock to avoid: there is one "
          "mcentral per span class, and its span lists are lock-free span sets (mcentral.go; "
          "mspanset.go's spineLock only grows a set). The lock a refill can meet is mheap_.lock: "
          "allocSpan takes it when mcentral has no span with free slots, so a new span must come "
          "from the page heap, and the P's page cache cannot serve it (the cache is empty, or the "
          "span is large). Growing the heap happens under that same lock.",
          "allocator",
          source="runtime/runtime2.go: type p; "
                 "runtime/mcentral.go: type mcentral, mcentral.cacheSpan; "
                 "runtime/mheap.go: mheap.allocSpan"),
    Claim("labelpair-16b", "3.3", "Prometheus打点常生成大量 Metric、LabelPair 等 ≤16B 小对象,传统 malloc 频繁触发系统调"
          "用与锁竞争。",
          "Metric, LabelPair and the like are small objects of at most 16 bytes, for which malloc"
          " would often make system calls and contend for locks.",
          "wrong",
          "A label pair of two strings is 32 bytes (two string headers) and holds pointers, so it "
          "can never use the 16-byte tiny allocator, which takes only pointer-free objects; a "
          "sample struct is larger still."
          " What C's malloc does is not checked here.",
          "allocator",
          source="runtime/malloc.go: mallocgcTiny, mallocgc; runtime/malloc_generated.go: mallocgcTinySC2"),
    Claim("alloc-2-16b", "3.3", "→ 每次 new(LabelPair) 直接从 mcache.alloc[2](对应16B class)取 span,无锁、零系统调用。",
          "new(LabelPair) takes its span from mcache.alloc[2], the 16-byte class, with no lock "
          "and no system call.",
          "wrong",
          "mcache.alloc is indexed by span class (size class << 1 | noscan): alloc[2] is size class "
          "1 (8 bytes) with pointers. The 16-byte class is size class 2, span classes 4 and 5; a "
          "32-byte LabelPair uses span class 8."
          ' (The fast path does take no lock and make no system call.)',
          "allocator",
          source="runtime/mheap.go: makeSpanClass"),
    Claim("freeindex-atomic", "3.3", 'A[New LabelPair] --> B{mcache.alloc[2] 有空闲 span?}\nB -->|Yes| C[原子递增 span.free'
          "Index → 返回指针]",
          "The fast path atomically increments span.freeIndex and returns the pointer.",
          "wrong",
          "nextFreeFast finds the slot with a count of trailing zeros in allocCache and updates "
          "freeindex with plain stores: no atomic is needed, because the mcache and its spans "
          "belong to the running P.",
          "allocator",
          source="runtime/malloc.go: nextFreeFast"),
    Claim("pool-throughput-table", "3.3", '性能对比(10M 次打点,4核)\n| 分配方式 | 吞吐(ops/s) | GC 停顿累计(ms) |\n|---|---|---|\n'
          '| 标准 new() | 2.1M | 89 |\nsync.Pool + mcache |\n5.7M | 12 |',
          "Table (10M samples, 4 cores): plain new() 2.1M ops/s with 89 ms of GC pauses; "
          "sync.Pool + mcache 5.7M ops/s with 12 ms.",
          "holds roughly",
          "The chapter re-runs the experiment (10 million samples, one worker per P): pooling "
          "removes all three allocations per sample and raises throughput (decided by a 1.2x "
          "margin). The GC column does not fit: once the pool is warm the pooled run allocates "
          "nothing and runs no GC at all, so its 12 ms of pauses cannot come from this loop; and "
          "the mcache serves both rows, so the gain is the pool's.",
          "allocator",
          source=None),  # measured throughput and GC figures, re-measured in chapter 3.3
    Claim("refill-mcentral", "3.3", 'A[New LabelPair] --> B{mcache.alloc[2] 有空闲 span?}\nB -->|Yes| C[原子递增 span.free'
          'Index → 返回指针]\nB -->|No| D[向 mcentral 申请新 span]',
          "Diagram: when the mcache has no free slot in its span, it asks mcentral for a new span.",
          "holds",
          "mcache.refill hands the full span back and takes one with free slots from the mcentral "
          "of the same span class (mcentral.cacheSpan), which asks mheap when it has none.",
          "allocator",
          source="runtime/mcache.go: mcache.refill; runtime/mcentral.go: mcentral.cacheSpan",
          decided_at=("runtime/mcache.go: s = mheap_.central[spc].mcentral.cacheSpan()",)),
    # ---- 4: deployment --------------------------------------------------------------------------
    Claim("no-base-image", "4.1", "单二进制分发(如 operator-sdk build --single-binary)将 Go 编译产物、CRD schema、嵌入"
          "式 Helm charts 及 controller-runtime 依赖静态链接为单一可执行文件,彻底消除 /bin/sh、"
          "curl 等基础镜像层依赖。",
          "Single-binary distribution (e.g. operator-sdk build --single-binary) links the "
          "program, CRD schemas, embedded Helm charts and controller-runtime into one executable,"
          " removing any need for the base image's /bin/sh, curl and the like.",
          "holds roughly",
          "The service's ELF file has no interpreter and no needed libraries, and it answers 200 from "
          "a root directory that holds nothing but itself. Data files are another matter: TLS roots "
          "and time zones are read from the disk unless they are embedded (time/tzdata)."
          ' The operator-sdk flag is not part of this course and is not checked.',
          "single-binary",
          source=None),  # measured: the binary's ELF headers and a run in an empty root
    Claim("scratch-empty", "4.1", '# ✅ 最简 scratch 镜像构建(无 shell、无调试工具)\nFROM scratch\nCOPY --chown=65532:6553'
          '2 manager /manager\nUSER 65532:65532\nENTRYPOINT ["/manager"]',
          "The smallest image: FROM scratch with the binary alone, no shell and no debugging tools.",
          "holds",
          "A scratch image holds only the files copied into it; the chapter runs the service from "
          "a root that holds nothing but the binary, and it answers. Nothing else is there: no "
          "shell to exec into, no CA roots or time zones unless they are embedded.",
          "single-binary",
          source=None),  # measured: a run in an empty root
    Claim("scratch-table", "4.1", '| 基础镜像 | 镜像大小 | 启动延迟(冷启,平均) |\n|---|---|---|\nalpine:3.19 + Go binary '
          '|\n87 MB | 1.24 s |\nscratch + static-linked binary |\n14.3 MB | 0.38 s |',
          "Table: alpine:3.19 + Go binary is 87 MB and starts in 1.24 s; scratch + static binary is "
          "14.3 MB and starts in 0.38 s.",
          "cannot be checked here",
          "There is no container engine here, and the article names neither its program nor how it "
          "timed a start. Chapter 4.1 shows the binary's size and the files a scratch image would "
          "hold, and times exec to first 200 of a real HTTP service beside the article's figures.",
          "single-binary",
          source=None),  # the article's container figures
    Claim("exec-form-62", "4.1", '此 Dockerfile 移除所有非必要元数据:\n--chown强制非 root UID/GID,ENTRYPOINT直接调用二'
          "进制,规避sh -c解析开销。实测降低 init 容器初始化耗时 62%。",
          "The Dockerfile drops everything unneeded: --chown forces a non-root UID/GID and "
          "ENTRYPOINT runs the binary directly instead of through sh -c; measured, this cut the "
          "init container's start-up time by 62%.",
          "cannot be checked here",
          "A shell in front of the binary adds the start of one more program (chapter 4.1 times "
          "it); what share of an init container's start that is depends on everything else "
          "the container does. In a scratch image there is no /bin/sh at all, so the exec form is "
          "not an optimisation but the only form that works."
          ' (In Docker, --chown only sets the owner of the copied file; USER is what runs the process as non-root.)',
          "single-binary",
          source=None),  # an init container's measured start-up
    Claim("upx-83", "4.1", 'B --> C[UPX --ultra-brute /manager]\nC --> D[体积↓83% → 启动I/O↓71%]\nD --> E[冷启P95 '
          "↓0.86s → 节点调度吞吐↑2.3x]",
          "Compressing the binary with UPX cuts its size by 83%, start-up I/O by 71% and "
          "cold-start P95 by 0.86 s, raising node scheduling throughput 2.3x.",
          "cannot be checked here",
          "UPX is not part of this course's toolchain. A UPX-packed binary must decompress itself "
          "into memory at every start, trading disk I/O for CPU time and for memory that can no "
          "longer be shared between processes; the article shows no start-up measurement.",
          "single-binary",
          source=None),  # UPX is not part of the Go toolchain
    Claim("fmt-cgo", "4.2", 'w.Write([]byte("ok")) // 避免CGO调用(如fmt.Println)',
          "fmt.Println is a cgo call to be avoided.",
          "wrong",
          "fmt is pure Go: even with cgo enabled, go list -deps fmt contains no runtime/cgo. In the "
          "article's own server it is net (its C resolver), pulled in by net/http, that links cgo "
          "when cgo is on.",
          "cgo",
          source="fmt/print.go: Fprintln; net/cgo_unix.go: cgoLookupHost"),
    Claim("fmt-log-cgo", "4.2", "该实现规避fmt/log等隐式CGO路径",
          "The example avoids the hidden cgo paths of fmt and log.",
          "wrong",
          "Neither fmt nor log has a cgo path (go list -deps shows no runtime/cgo for them with cgo "
          "on). What decides static or dynamic linking is cgo being enabled for net and os/user.",
          "cgo",
          source="log/log.go: Logger.output; net/cgo_unix.go: cgoLookupHost"),
    Claim("getenv-pure-go", "4.2", "os.Getenv为纯Go实现",
          "os.Getenv is implemented in pure Go.",
          "holds",
          "syscall.Getenv looks the name up in the runtime's copy of the environment; os links no "
          "runtime/cgo even with cgo enabled. (With cgo, os.Setenv also tells C's environment.)",
          "cgo",
          source="os/env.go: Getenv; syscall/env_unix.go: Getenv"),
    Claim("cgo-size-dynamic", "4.2", "边缘节点资源受限,CGO启用会显著增加二进制体积与动态链接依赖,阻碍快速拉起。",
          "Enabling cgo significantly increases binary size and dynamic-link dependencies, which "
          "hinders a quick start on edge nodes.",
          "misleading",
          "The dependency part holds: with cgo the same HTTP server needs the dynamic loader and "
          "libc, and no longer starts in an empty root; the loader makes each start a little "
          "slower (chapter 4.2 times both builds). The size part does not hold: the binary grows "
          "by about one percent.",
          "cgo",
          source="net/cgo_unix.go: cgoLookupHost"),
    Claim("cold-start-table", "4.2", '| 方案 | P50 | P90 | 二进制大小 |\n|---|---|---|---|\n| net/http (CGO=0) | 83 | 112 | '
          '9.2 MB |\n| nginx+Lua | 147 | 236 | 24.8 MB* |\n*含nginx主程序、Lua模块及动态库',
          "Table: cold start to the first 200 on an ARM64 edge node: net/http (CGO=0) P50 83 ms, "
          "P90 112 ms, 9.2 MB; nginx+Lua 147 ms, 236 ms, 24.8 MB.",
          "cannot be checked here",
          "nginx and Lua are not part of this course, and the machine differs. time -p times a "
          "process until it exits, which a server does not do; chapter 4.2 times exec to first 200 "
          "directly, cgo off and on; cgo adds the dynamic loader's work.",
          "cgo",
          source=None),  # the article's edge-node figures
    Claim("us-to-handler", "4.2", 'graph TD\nA[net/http] --> B[解析PE/ELF → mmap → .text执行]\nC[nginx+Lua] --> D[加载lib'
          'nginx.so → dlopen libluajit.so → JIT编译Lua字节码]\nB --> E[微秒级跳转至handler]\nD --'
          "> F[毫秒级初始化+代码生成]",
          "A pure Go server reaches its handler within microseconds of starting.",
          "misleading",
          "Loading a static binary is quick, but runtime start-up, opening the socket and serving "
          "the first request all come before the handler's answer; chapter 4.2 times them together, "
          "from exec to the first 200.",
          "cgo",
          source=None),  # measured: exec to the first 200 in chapter 4.2
    Claim("time-p", "4.2", "使用 time -p 统计从进程启动到首次HTTP 200响应的耗时(单位:ms),环境为 ARM64 边缘节点(2"
          "vCPU/512MB RAM):",
          "time -p measured the time from process start to the first HTTP 200, on an ARM64 edge "
          "node (2 vCPU, 512 MB).",
          "wrong",
          "time -p reports when the process exits, and a server that keeps serving never does; it "
          "cannot time a first response. Chapter 4.2 times exec to the first 200 directly, by "
          "polling the server.",
          "cgo",
          source=None),  # a measuring method; chapter 4.2 measures exec to first 200 instead
    Claim("epoll-no-bridge", "4.2", "ListenAndServe底层复用epoll(Linux)或kqueue(BSD),无系统调用桥接开销。",
          "ListenAndServe uses epoll (Linux) or kqueue (BSD) underneath, with no system-call "
          "bridging overhead.",
          "holds roughly",
          "The network poller is epoll on Linux and kqueue on the BSDs and macOS (netpollinit), and "
          "on Linux Go makes its system calls directly, without libc. On macOS and OpenBSD, "
          "though, Go makes its system calls through libc (kqueue included), which is such a "
          "bridge.",
          "cgo",
          source="runtime/netpoll_epoll.go: netpollinit; runtime/netpoll_kqueue.go: netpollinit; "
                 "runtime/sys_openbsd.go: kqueue; runtime/sys_darwin.go: kqueue",
          decided_at=("runtime/netpoll_epoll.go: epfd, errno = linux.EpollCreate1(linux.EPOLL_CLOEXEC)",
                      "runtime/netpoll_kqueue.go: kq = kqueue()",
                      "runtime/sys_openbsd.go: return libcCall(unsafe.Pointer(abi.FuncPCABI0(kqueue_trampoline)), nil)")),
    Claim("gcflags-l-reflection", "4.3", '反射裁剪:-gcflags=-l 的精准生效路径',
          "-gcflags=-l trims reflection metadata and shrinks the binary.",
          "wrong",
          "-l disables inlining, nothing else. It does not remove type information (the type: "
          "symbols stay); on chapter 4.3's JSON program it changes the size by bytes (main package "
          "only) or shrinks it by under a tenth while calls get slower (all=-l); -ldflags='-s -w' "
          "is what removes a third.",
          "binary-size",
          source="cmd/compile/internal/base/flag.go: type CmdFlags"),
    Claim("linkname-example", "4.3", '//go:linkname unsafeJSONUnmarshal encoding/json.unmarshal\nfunc unsafeJSONUnmarshal(d'
          'ata []byte, v interface{}) error {\nreturn unsafeJSONUnmarshal(data, v)\n}',
          "//go:linkname lets a service call encoding/json's internal unmarshal directly.",
          "wrong",
          "The example's function has a body that calls itself, so it could only recurse forever; "
          "and with the pinned toolchain even a correct, bodyless declaration does not link "
          "(chapter 4.3 shows the linker's message).",
          "binary-size",
          source="cmd/link/internal/loader/loader.go: Loader.checkLinkname"),
    Claim("reflect-bloat-12-18", "4.3", "金融级风控服务对启动延迟与内存 footprint 极其敏感。Go 默认保留大量反射元数据,导致二"
          "进制膨胀 12–18MB;在容器冷启场景下,加载耗时增加 320ms+。",
          "Go keeps so much reflection metadata by default that a binary grows by 12-18 MB and a "
          "cold start in a container takes 320 ms+ longer.",
          "cannot be checked here",
          "The risk-control service is not available, and its own table contradicts the figure: "
          "the whole default build is 15.8 MB. Chapter 4.3 shows what a real binary is made of: "
          "the symbol table and DWARF, which -ldflags='-s -w' removes, and the type descriptors "
          "that reflection and interfaces need, which no flag removes.",
          "binary-size",
          source=None),  # the article's service's figures
    Claim("m2-reflection", "4.3", "-l:禁用函数内联(间接抑制reflect.Type在编译期的隐式注册)-m=2:输出详细内联与反射依赖分"
          "析,定位encoding/json.(*decodeState).object等高反射开销节点",
          "-l disables inlining (and so indirectly suppresses reflect.Type registration); -m=2 "
          "prints inlining and reflection dependencies, locating costly reflection in "
          "encoding/json.",
          "wrong",
          "-l disables inlining and nothing else; there is no compile-time reflect.Type "
          "registration to suppress. -m reports inlining and escape-analysis decisions (chapter "
          "4.3 shows them); it says nothing about reflection. (And in Go 1.27 encoding/json is "
          "built on encoding/json/v2: decodeState.object is not even compiled by default.)",
          "binary-size",
          source="cmd/compile/internal/base/flag.go: type CmdFlags"),
    Claim("linkname-skip-reflect", "4.3", "⚠️ 仅限内部可信模块调用:跳过 json.Unmarshal 的 reflect.Value 初始化链,降低反射调用"
          "栈深度 3 层。",
          "Calling encoding/json's internal unmarshal through linkname skips json.Unmarshal's "
          "reflect.Value setup, cutting the reflective call stack by 3 levels.",
          "wrong",
          "encoding/json has no function unmarshal. In Go 1.27, json.Unmarshal is a single call, "
          "jsonv2.Unmarshal(data, v, DefaultOptionsV1()) (encoding/json is built on "
          "encoding/json/v2 by default; the old decodeState code is compiled only with "
          "GOEXPERIMENT=nojsonv2), and all the reflection happens inside encoding/json/v2: there "
          "is no set-up chain to skip, and the linker refuses the reference (chapter 4.3).",
          "binary-size",
          source="encoding/json/v2_decode.go: Unmarshal; internal/buildcfg/exp.go: ParseGOEXPERIMENT",
          decided_at=("encoding/json/v2_decode.go: return jsonv2.Unmarshal(data, v, DefaultOptionsV1())",
                      "internal/buildcfg/exp.go: JSONv2:                true,")),
    Claim("size-table-43", "4.3", '压缩效果对比(风控核心服务 v2.4.1)\n'
          '| 优化项 | 二进制体积 | 启动耗时(cold) | 反射调用频次(/s) |\n|---|---|---|---|\n| 默认'
          '构建 | 15.8 MB | 412 ms | 18,420 |\n-gcflags=-l |\n12.1 MB | 297 ms | 11,650 |\n+ linkn'
          'ame 优化 |\n9.3 MB | 218 ms | 4,290 |',
          "Table (risk-control service v2.4.1): default build 15.8 MB, 412 ms; -gcflags=-l 12.1 MB, "
          "297 ms; + linkname 9.3 MB, 218 ms; reflective calls 18,420, 11,650, 4,290 per second.",
          "misleading",
          "The figures cannot come from the flags named: on chapter 4.3's program -gcflags=-l "
          "changes the size by bytes (all=-l: by under a tenth), and the linkname row's function "
          "does not even link (chapter 4.3 shows the linker error). The article's build line "
          "also passes -ldflags=\"-s -w\", which removes the symbol table and DWARF, a third of "
          "chapter 4.3's binary: probably what the second row measured. Fewer reflective calls "
          "per second cannot follow from disabling inlining; the start times belong to a service "
          "the course does not have.",
          "binary-size",
          source=None),  # the article's service's figures; chapter 4.3 measures the flags
    Claim("reflect-alloc-type", "4.3", 'A[原始 JSON 解析] --> B[reflect.ValueOf → type.reflectType]\nB --> C[alloc runtime._t'
          'ype struct]\nC --> D[GC root 持有反射类型树]\nD --> E[体积↑ / GC 压力↑]',
          "Diagram: JSON decoding calls reflect.ValueOf, which allocates runtime._type structs "
          "that the GC keeps as roots, growing the binary and the GC's load.",
          "wrong",
          "The descriptors of the program's types (abi.Type, runtime._type) are read-only data "
          "the compiler and linker put in the binary; reflect.ValueOf allocates none of them. "
          "reflect builds a descriptor at run time only for a type the binary lacks (PointerTo, "
          "SliceOf, MapOf), once per type and cached: a few objects, not a type tree per decode, "
          "and nothing that changes the binary's size.",
          "binary-size",
          source="internal/abi/type.go: type Type; reflect/value.go: ValueOf; reflect/type.go: rtype.ptrTo",
          decided_at=("reflect/value.go: return unpackEface(i)",
                      "reflect/type.go: pi, _ := ptrMap.LoadOrStore(t, &pp)")),
    Claim("plugin-vs-nocgo", "4.4", "Go Plugin 机制通过 plugin.Open() 加载预编译的 .so 文件,但需严格约束导出接口与生命周"
          "期。",
          "Go plugins are precompiled .so files loaded with plugin.Open(); their exported "
          "interface and lifecycle must be strictly constrained.",
          "misleading",
          "plugin.Open does load a .so, but only in a cgo build (without cgo it returns 'plugin: "
          "not implemented'), which the CGO-disabled deployment of section 4.2 rules out, and "
          "host and plugin need the identical toolchain and dependency versions. And there is no "
          "lifecycle to constrain: a plugin cannot be closed, so every version loaded stays in "
          "memory for the life of the process.",
          "plugins",
          source="plugin/plugin.go: Open; plugin/plugin_dlopen.go: open; plugin/plugin_stubs.go: open",
          decided_at=("plugin/plugin_stubs.go: return nil, errors.New(\"plugin: not implemented\")",
                      "plugin/plugin.go: // A plugin is only initialized once, and cannot be closed.")),
    Claim("plugin-sandbox", "4.4", '- 插件仅能导出符合\nPluginInterface的函数,禁止访问os,net,unsafe等敏感包 - 每租户插件'
          '运行于独立\ngoroutine+context.WithTimeout隔离',
          "Tenant plugins are kept from using sensitive packages such as os, net and unsafe, and "
          "isolated by running in their own goroutine with a context timeout.",
          "wrong",
          "Go has no way to restrict what a plugin imports: it runs in the host's address space "
          "with the host's rights (the tenant plugin of chapter 4.4 links os, syscall and unsafe "
          "through fmt and encoding/json). A goroutine is not a sandbox and a context is only a "
          "request to stop; isolation needs a separate process or a WebAssembly runtime.",
          "plugins",
          source="plugin/plugin_dlopen.go: open"),
    Claim("plugin-example", "4.4", '// plugin/main.go(编译为 plugin.so)\npackage main\nimport "plugin"\ntype TenantHandler '
          "func(ctx context.Context, data map[string]interface{}) (map[string]interface{}, erro"
          'r)\nvar Handler TenantHandler // 唯一导出符号\nfunc init() {\nHandler = func(ctx contex'
          't.Context, data map[string]interface{}) (map[string]interface{}, error) {\nreturn map'
          '[string]interface{}{"result": "processed_by_tenant_A"}, nil\n}\n}',
          "The example plugin source (plugin/main.go) builds into plugin.so.",
          "wrong",
          "It imports plugin, which it never uses, and uses context without importing it: the Go "
          "compiler rejects both (chapter 4.4 builds it and shows the errors).",
          "plugins",
          source=None),  # compile errors of the article's code
    Claim("plugin-init-ctx", "4.4", '此插件仅暴露一个无副作用的纯函数\nHandler;init()确保加载即注册,避免运行时反射调用;con'
          "text.Context提供超时与取消能力,防止租户逻辑无限阻塞。",
          "The plugin exposes one side-effect-free function; init() registers it on load, avoiding "
          "reflection; the context's timeout and cancellation keep tenant code from blocking "
          "forever.",
          "misleading",
          "plugin.Open does run the plugin's init functions (doInit), so loading registers "
          "Handler. But a context only asks: nothing stops a goroutine from outside, and the "
          "example's Handler never looks at ctx, so a tenant's loop would run forever.",
          "plugins",
          source="plugin/plugin_dlopen.go: open",
          decided_at=("plugin/plugin_dlopen.go: doInit(initTasks)",)),
    Claim("lookup-assert", "4.4", 'C --> E[查找Symbol “Handler”]\nE --> F[类型断言为TenantHandler]',
          "Diagram: look up the symbol \"Handler\", then type-assert it to TenantHandler.",
          "wrong",
          "Handler is a variable, and Lookup returns a pointer to a plugin's variable, so the "
          "symbol is a *TenantHandler, never a TenantHandler: the assertion fails. And a type "
          "declared in the plugin's package main is not the host's type of the same name: the "
          "type must come from a package both import (chapter 4.4's host asserts to "
          "*api.Handler).",
          "plugins",
          source="plugin/plugin.go: Plugin.Lookup",
          decided_at=("plugin/plugin.go: //	*v.(*int) = 7",)),
    Claim("plugin-hot-update", "4.4", "Go Plugin机制替代动态链接在多租户SaaS平台热更新中的安全沙箱落地",
          "Go plugins replace dynamic linking as a secure sandbox for hot updates in a "
          "multi-tenant SaaS platform.",
          "misleading",
          "A plugin is loaded once and never unloaded: plugin.Open of a path already opened "
          "returns the plugin loaded before, and a new version must be stored under another "
          "path and, when built from the same package, carry another plugin path too (the "
          "runtime refuses a second module with the same one: 'plugin already loaded'), while "
          "the old version stays in memory for the life of the process. The sandbox half is "
          "plugin-sandbox.",
          "plugins",
          source="plugin/plugin_dlopen.go: open; runtime/plugin.go: plugin_lastmoduleinit; "
                 "cmd/go/internal/work/gc.go: pluginPath",
          decided_at=("plugin/plugin_dlopen.go: if p := plugins[filepath]; p != nil {",
                      "runtime/plugin.go: if pmd.pluginpath == md.pluginpath {")),
    # ---- 5: the conclusion ---------------------------------------------------------------------
    Claim("conclusion-k8s", "5", "在前四章的实践中,我们完成了基于 Kubernetes 的微服务灰度发布系统全链路搭建:包括 Istio"
          " 1.21 环境部署、Jaeger 链路追踪集成、Prometheus+Grafana 自定义 SLI 指标看板(含 P95 "
          "延迟、错误率、流量分流比三维度实时监控),以及通过 Argo Rollouts 实现的金丝雀发布自动"
          "化流水线。",
          "In the first four chapters we built a complete Kubernetes canary-release system: "
          "Istio 1.21, Jaeger tracing, Prometheus+Grafana SLI dashboards and an Argo Rollouts "
          "pipeline.",
          "cannot be checked here",
          "The conclusion describes a system the earlier chapters never built; none of it can "
          "be traced to anything the article shows.",
          "claims",
          source=None),  # a system the article never shows
    Claim("canary-figures", "5", "某电商中台项目实测数据显示,灰度发布平均耗时从人工操作的 47 分钟压缩至 6.3 分钟,发布"
          "失败回滚时间稳定控制在 12 秒内(SLO 要求 ≤15 秒)。",
          "In an e-commerce project, a canary release fell from 47 to 6.3 minutes and a rollback "
          "stays within 12 s (SLO <= 15 s).",
          "cannot be checked here",
          "A project the article does not describe; no chapter builds it.",
          "claims",
          source=None),  # the article's project figures
    Claim("conclusion-table", "5", '| 指标 | 传统发布方式 | 本方案(v1.2) | 提升幅度 |\n|---|---|---|---|\n| 单次发布平均耗'
          '时 | 47.2 min | 6.3 min | ↓86.7% |\n| 故障定位平均耗时 | 18.5 min | 2.1 min | ↓88.6% '
          '|\n| 灰度流量切分精度 | ±15% | ±0.5% | 精度提升30倍 |\n| SLO 违反次数/月 | 3.8 次 | 0.'
          "2 次 | ↓94.7% |",
          "Table: release time, fault location time, traffic split precision and SLO violations, "
          "before and after.",
          "cannot be checked here",
          "Figures of the same undescribed project.",
          "claims",
          source=None),  # the article's project figures
    Claim("maxconnections-gateway", "5", "某次大促前压测中,发现订单服务在 8000 QPS 下出现偶发性 503 错误。通过 Grafana 中 isti"
          "o_requests_total{response_code=~\"503\"} 查询定位到 ingress-gateway 的 connection pool"
          " 耗尽;进一步用 kubectl exec -it istio-ingressgateway-xxx -- pilot-agent request GET "
          "stats | grep upstream_cx_overflow 确认上游连接溢出。最终将 maxConnections: 100000 写"
          "入 Gateway CRD 并重启生效,问题彻底解决。",
          "Sporadic 503s at 8,000 QPS came from an exhausted connection pool of the ingress "
          "gateway, fixed by writing maxConnections: 100000 into the Gateway CRD.",
          "cannot be checked here",
          "Istio is not part of this course. (In Istio's API, maxConnections belongs to a "
          "DestinationRule's connection pool settings, not to a Gateway.)",
          "claims",
          source=None),  # Istio configuration
    Claim("xgboost-893", "5", "- AI 辅助决策:基于历史发布数据训练轻量级 XGBoost 模型,预测新版本发布风险等级(当前准"
          "确率达 89.3%,验证集 F1-score=0.87);",
          "An XGBoost model predicts a release's risk with 89.3% accuracy (F1 0.87).",
          "cannot be checked here",
          "Neither the model nor its data is shown.",
          "claims",
          source=None),  # the article's model
    Claim("istio-pr", "5", "已向 Istio 官方 GitHub 提交 PR #48221(修复 Envoy xDS v3 接口在高并发下偶发的 RDS 同"
          "步延迟),被 v1.22 版本合并;同时在 CNCF Slack 的 #service-mesh 频道建立“灰度实践周报”"
          "机制,累计沉淀 23 个真实故障复盘文档(含 YAML 配置片段与抓包分析截图),全部开源至 https:"
          "//github.com/mesh-practice/case-studies。",
          "The team's PR #48221 to Istio was merged in v1.22, and 23 incident write-ups are "
          "published at github.com/mesh-practice/case-studies.",
          "cannot be checked here",
          "A fact about GitHub, which the course cannot reach; nothing in it concerns Go.",
          "claims",
          source=None),  # GitHub, not the course
    Claim("business-value", "5", "在最近三个季度的财务系统升级中,因灰度机制拦截的严重缺陷达 9 类(含账务冲正逻辑错误、"
          "汇率缓存穿透等),避免潜在资损预估超 1,280 万元;客户投诉率同比下降 41.6%,NPS 评分从 32"
          " 提升至 58。",
          "The canary process stopped 9 kinds of serious defects, avoided over 12.8 million yuan "
          "of losses, cut complaints by 41.6% and raised NPS from 32 to 58.",
          "cannot be checked here",
          "Business figures of an organisation the article does not name.",
          "claims",
          source=None),  # business figures
)

_BY_ID = {c.id: c for c in CLAIMS}
if len(_BY_ID) != len(CLAIMS):  # pragma: no cover - guarded by tests
    raise ValueError("duplicate claim ids in whygo/claims.py")


def get(claim_id: str) -> Claim:
    try:
        return _BY_ID[claim_id]
    except KeyError:
        raise KeyError(f"no claim {claim_id!r}; known ids: {', '.join(sorted(_BY_ID))}") from None


class ClaimCheck:
    """A claim shown in a chapter: quote, English, verdict, reason (HTML and plain text).

    ``disagreement`` is set when a verdict that rests on a measurement is
    contradicted by this machine's measurement: the box then says so, with
    this machine's figures, instead of asserting the verdict beside evidence
    that says otherwise.
    """

    def __init__(self, claim: Claim, disagreement: str = ""):
        self.claim = claim
        self.disagreement = disagreement

    def __repr__(self) -> str:
        c = self.claim
        text = (_("Claim check (article §{section}): {quote}").format(section=c.section, quote=c.zh)
                + "\n  " + _("English: {rendering}").format(rendering=rendering(c))
                + "\n  " + _("Verdict: {verdict}.").format(verdict=verdict_word(c.verdict).upper())
                + punct(" ") + reason(c))
        if self.disagreement:
            text += f"\n  {_(DISAGREE_LABEL)}{punct(': ')}{self.disagreement}"
        return text

    def _repr_html_(self) -> str:
        c = self.claim
        colour = VERDICT_COLOURS[c.verdict]
        note = (f'<div style="background:#fef9c3;padding:2px 6px"><b>{html.escape(_(DISAGREE_LABEL))}{punct(":")}</b>'
                f'{punct(" ")}'
                f"{html.escape(self.disagreement)}</div>" if self.disagreement else "")
        # The ids let chapter 5 link straight to this check: ``id`` for the book
        # (page.html#claim-ID) and for an untrusted notebook, whose HTML JupyterLab
        # sanitizes, turning ``id`` into ``data-jupyter-id``; ``data-jupyter-id`` for a
        # trusted one (run by the reader), which keeps ``id`` while JupyterLab looks for a
        # link's #fragment only in ``data-jupyter-id``. mathjax_ignore: a quote such as
        # "mov $8, %rax" is text, not TeX.
        return (f'<div id="claim-{c.id}" data-jupyter-id="claim-{c.id}" class="mathjax_ignore" '
                f'style="border-left:4px solid {colour};padding:4px 10px;margin:6px 0">'
                f"<div><b>{html.escape(_('Claim check'))}</b>{punct(' (')}"
                f"{html.escape(_('article §{section}').format(section=c.section))}{punct(')')}</div>"
                f'<div lang="zh">{quote_html(c.zh)}</div>'
                f"<div><i>{html.escape(rendering(c))}</i></div>"
                f'<div><b style="color:{colour}">'
                f"{html.escape(_('Verdict: {verdict}.').format(verdict=verdict_word(c.verdict)))}</b>"
                f"{punct(' ')}{html.escape(reason(c))}</div>{note}</div>")


def quoted_rows(quote: str) -> list[list[str]] | None:
    """The cells of a quote taken from one of the article's Markdown tables, else None.

    Such a quote is one or more lines that each hold a "|" ("| Goroutine | 2 KB | ~50 ns |",
    or the article's broken rows such as "87 MB | 1.24 s |"); separator lines (|---|) are
    left out."""
    lines = [line.strip() for line in quote.splitlines() if line.strip()]
    if not lines or not all("|" in line for line in lines):
        return None
    rows, broken = [], False
    for line in lines:
        if re.fullmatch(r"[\s|:-]+", line):
            continue
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        # The article breaks some rows after the first cell ("alpine:3.19 + Go binary |" and
        # then "87 MB | 1.24 s |" on the next line): such a line joins the row above it.
        if broken and not line.startswith("|"):
            rows[-1] += cells
            broken = False
            continue
        broken = not line.startswith("|") and len(cells) == 1
        rows.append(cells)
    return rows or None


_QUOTE_TABLE = ('<table style="border-collapse:collapse;margin:2px 0;width:100%;table-layout:fixed;'
                'overflow-wrap:anywhere">{}</table>')  # fixed layout: narrow columns wrap on a phone
_QUOTE_CELL = '<td style="border:1px solid #94a3b8;padding:1px 3px">{}</td>'


def quote_html(quote: str, escape=html.escape) -> str:
    """A quote as HTML: the article's table rows as a small table, other text as it is.

    ``escape`` makes each piece of text safe where the HTML goes: HTML-escaping for an
    output, Markdown-escaping too inside a Markdown cell (``md_text``)."""
    rows = quoted_rows(quote)
    if rows is not None and all(_is_row(line) for line in quote.splitlines() if line.strip()):
        return _table_html(rows, escape)
    if "\n" not in quote:
        return escape(quote)
    # Several lines (a heading above a table, a code block, a diagram): the rows of a table
    # as a table, every other line as text; <br> keeps the lines apart inside one table cell
    # of chapter 5 (a newline would end the Markdown table's row).
    parts, table = [], []
    for line in quote.splitlines() + [""]:
        if _is_row(line):
            table.append(line)
            continue
        if table:
            parts.append(_table_html(quoted_rows("\n".join(table)) or [], escape))
            table = []
        if line.strip():
            parts.append(escape(line))
    return "<br>".join(parts)


def _is_row(line: str) -> bool:
    """A line of one of the article's tables: it starts or ends with "|" ("| a | b |", the
    broken rows "87 MB | 1.24 s |"); a "|" inside code or a diagram ("A -->|yes| B") is not."""
    line = line.strip()
    return line.startswith("|") or line.endswith("|")


def _table_html(rows: list[list[str]], escape) -> str:
    body = "".join("<tr>" + "".join(_QUOTE_CELL.format(escape(cell)) for cell in row) + "</tr>"
                   for row in rows)
    return _QUOTE_TABLE.format(body)


DISAGREE_LABEL = N_("This machine disagrees")
DISAGREE_NOTE = N_("The verdict is what the runtime's source and typical machines show; "
                   "the output above is what this one measured.")


def rendering(c: Claim) -> str:
    """The claim as the course states it, in the running edition (claims.po, ``ID:en``)."""
    return _(c.en, f"{c.id}:en")


def reason(c: Claim) -> str:
    """Why the verdict, in the running edition (claims.po, ``ID:why``)."""
    return _(c.why, f"{c.id}:why")


def verdict_word(verdict: str) -> str:
    """A verdict ("holds roughly") in the running edition; the registry keeps the English."""
    return _(verdict)


def source_line(entry: str, src=None) -> tuple[str, int, str]:
    """``entry`` of a claim's ``decided_at`` ("runtime/mgc.go: text") found in the pinned
    source: (file, line number, the line as written). ``src`` is $GOROOT/src."""
    if src is None:
        src = toolchain().goroot / "src"
    name, _, text = entry.partition(": ")
    for number, line in enumerate((src / name).read_text(encoding="utf-8").splitlines(), 1):
        if text in line:
            return name, number, line.strip()
    raise LookupError(f"{entry!r}: no line of $GOROOT/src/{name} holds {text!r}")


def source_lines(*claim_ids: str) -> None:
    """Print, for each claim, the lines of the pinned Go source that decide it (its
    ``decided_at``), each as file:line: text, so a reader can open them and check."""
    for claim_id in claim_ids:
        claim = get(claim_id)
        if not claim.decided_at:
            raise ValueError(f"claim {claim_id}: no decided_at lines to show")
        for entry in claim.decided_at:
            name, number, line = source_line(entry)
            print(f"{claim_id}: $GOROOT/src/{name}:{number}: {line}")


def show(claim_id: str, *, agrees: bool = True, here: str = "") -> ClaimCheck:
    """The claim's box. ``agrees`` is the measurement's own conclusion where the
    verdict rests on one (the boolean the cell above printed); when it is False,
    ``here`` (this machine's figures, printed with whygo.report) is shown as a
    disagreement next to the verdict."""
    if not agrees and not here:
        raise ValueError(f"claim {claim_id}: say what this machine measured (here=...) "
                         "when it disagrees with the verdict")
    return ClaimCheck(get(claim_id), "" if agrees else f"{here}. {_(DISAGREE_NOTE)}")


# ---- the summary chapter -------------------------------------------------------------------
# Chapter 05 shows every claim in one table. The table is Markdown generated from CLAIMS (so
# that the links work both in JupyterLab and in the book) and a test keeps the stored cell equal
# to summary_markdown(); the evidence table comes from the chapters' stored outputs, which
# nbval keeps current. After editing CLAIMS: python -c "from whygo.claims import refresh_summary;
# refresh_summary()".

_SHOW = re.compile(r"""claims\.show\(\s*["']([a-z0-9\-]+)["']""")

# The output that decides a claim is marked on its code cell, in the cell's metadata:
#     "metadata": {"whygo": {"decides": {"atomic-23": "at least 1\\.3x as fast"}}}
# maps each claim the cell decides to a regular expression; the lines of the cell's
# printed output that match it are the claim's evidence in chapter 5. A mark names the
# decisive line itself (a 404, a True/False decision, a figure beside the article's),
# so the evidence column never shows whatever the cell happened to print last ("}",
# a metric name, a figure's repr). Several cells may decide one claim: their lines are
# joined in notebook order.
DECIDES = "decides"
UNMARKED = N_("(no deciding output marked) ")
# The evidence of a claim no chapter can print anything for (a figure of the article's own
# service or project): its verdict, "cannot be checked here", says why.
NOTHING_TO_PRINT = N_("(nothing a chapter can print: the article's own system)")
EVIDENCE_CHARS = 200
# Reprs that say nothing: a figure or a player whose picture is the real output.
_REPR = re.compile(r"^(<Figure size [^>]*>|Player\(.*\)|<IPython\.core\.display\..*>)$")


def deciding_outputs(manifest=None) -> dict[str, list[tuple[str, str, str, list[str]]]]:
    """claim id -> [(notebook, cell id, pattern, matching output lines)], one entry per
    code cell whose metadata marks it as deciding the claim (see ``DECIDES``)."""

    manifest = manifest or load_manifest()
    found: dict[str, list[tuple[str, str, str, list[str]]]] = {}
    for entry in manifest.chapters:
        if not entry.path.is_file():
            continue
        for cell in json.loads(entry.path.read_text(encoding="utf-8"))["cells"]:
            marks = cell.get("metadata", {}).get("whygo", {}).get(DECIDES, {})
            if cell["cell_type"] != "code" or not marks:
                continue
            lines = _output_lines(cell.get("outputs", []))
            for claim_id, pattern in marks.items():
                hits = [line for line in lines if re.search(pattern, line)]
                found.setdefault(claim_id, []).append((entry.notebook, cell.get("id", ""), pattern, hits))
    return found


def where_shown(manifest=None) -> dict[str, tuple[str, str]]:
    """claim id -> (notebook path, evidence): where a chapter calls ``claims.show(id)``, and
    the output that decides the claim: the lines its deciding cells mark (``DECIDES``);
    for a claim with no mark yet, the last lines printed by the code cell before the box,
    prefixed with ``UNMARKED``; for a claim that cannot be checked here and has no mark,
    ``NOTHING_TO_PRINT`` (the lines before its box would only seem to be evidence)."""

    manifest = manifest or load_manifest()
    marked = deciding_outputs(manifest)
    found: dict[str, tuple[str, str]] = {}
    for entry in manifest.chapters:
        if not entry.path.is_file():
            continue
        cells = json.loads(entry.path.read_text(encoding="utf-8"))["cells"]
        previous_output = ""
        for cell in cells:
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"])
            for claim_id in _SHOW.findall(source):
                hits = [line for nb, _, _, lines in marked.get(claim_id, ()) if nb == entry.notebook
                        for line in lines]
                if hits:
                    evidence = " / ".join(hits)[:EVIDENCE_CHARS]
                elif claim_id in marked or get(claim_id).verdict != "cannot be checked here":
                    evidence = _(UNMARKED) + previous_output
                else:
                    evidence = _(NOTHING_TO_PRINT)
                found.setdefault(claim_id, (entry.notebook, evidence))
            if not _SHOW.search(source):
                previous_output = _output_text(cell.get("outputs", []))
    return found


def _output_lines(outputs: list) -> list[str]:
    """The lines a cell printed (stdout, stderr (where a compile error goes), and the text
    of its results), stripped; empty lines and reprs of figures and players left out."""
    # A line printed in pieces may be split over several stream outputs: join them first.
    text = ""
    for out in outputs:
        if out.get("output_type") == "stream":
            text += "".join(out["text"])
        elif out.get("output_type") in ("execute_result", "display_data"):
            text += "\n" + "".join(out.get("data", {}).get("text/plain", "")) + "\n"
    return [line for line in (raw.strip() for raw in text.splitlines())
            if line and not _REPR.match(line)]


def _output_text(outputs: list) -> str:
    stdout = [out for out in outputs if out.get("output_type") != "stream" or out.get("name") == "stdout"]
    return " / ".join(_output_lines(stdout)[-2:])[:160]


# The table's words, kept here for the Chinese edition (user-facing text, not logic).
SUMMARY_WRITER = "whygo.claims.summary_markdown"
SUMMARY_HEADER = (N_("verdict"), N_("the claim, then the article's own words"), N_("checked in"))
SUMMARY_SECTION = N_("article §{section}")
SUMMARY_TO_COME = N_("(chapter to come)")
_BADGE = ('<span style="display:inline-block;padding:0 4px;border-radius:4px;font-size:0.9em;'
          'background:{colour};color:#ffffff;font-weight:bold">{mark} {verdict}</span>')


def verdict_badge(verdict: str) -> str:
    """The verdict as a coloured label (HTML that JupyterLab's sanitizer and the book keep)."""
    return _BADGE.format(colour=VERDICT_COLOURS[verdict], mark=VERDICT_MARKS[verdict],
                         verdict=html.escape(verdict_word(verdict)))


def summary_markdown(manifest=None) -> str:
    """Chapter 5's table of every claim, in article order: the verdict first, as a coloured
    label; the claim in English above the article's words (its table rows as a table); a
    link to the check in its chapter (``#claim-ID``, the box's id) above the article's
    section.

    Three columns, and long quotes may wrap anywhere, so that it fits a book page even on
    a phone; every quote is escaped for Markdown and TeX (``md_text``). The cell starts
    with the marker of whygo/generated.py."""
    manifest = manifest or load_manifest()
    titles = {e.id: (title_of(e), e.notebook) for e in manifest.chapters}
    rows = ["| " + " | ".join(_(h) for h in SUMMARY_HEADER) + " |", "| --- | --- | --- |"]
    for c in CLAIMS:
        title, notebook = titles.get(c.chapter, (None, None))
        where = (f"[{md_text(title)}]({notebook.removeprefix('notebooks/')}#claim-{c.id})"
                 if notebook else _(SUMMARY_TO_COME))
        where += "<br>" + _(SUMMARY_SECTION).format(section=c.section)
        # overflow-wrap: a long quote (a URL, a Go identifier) wraps instead of widening the table
        claim = (f'<span style="overflow-wrap:anywhere">{md_text(rendering(c))}<br>'
                 f'<span lang="zh">{quote_html(c.zh, md_text)}</span></span>')
        rows.append(f"| {verdict_badge(c.verdict)} | {claim} | {where} |")
    return with_marker(SUMMARY_WRITER, "\n".join(rows))


EVIDENCE_HEADER = (N_("claim"), N_("verdict"), N_("evidence printed by the chapter"))


class QuoteTable(Table):
    """A report.Table whose cells quote text: MathJax leaves its HTML alone."""

    def _repr_html_(self) -> str:
        return f'<div class="mathjax_ignore">{super()._repr_html_()}</div>'


def evidence_table(manifest=None) -> QuoteTable:
    """Chapter 5's second table: each claim, its verdict and the lines the cell that decides
    it printed (``where_shown``). Those lines quote outputs, "$GOROOT/src/runtime/" among
    them, so the HTML is marked for MathJax to leave alone: JupyterLab typesets HTML outputs,
    and two $ would become a formula."""
    shown = where_shown(manifest)
    return QuoteTable([_(h) for h in EVIDENCE_HEADER],
                      [[c.id, verdict_word(c.verdict), shown[c.id][1] if c.id in shown else _(SUMMARY_TO_COME)]
                       for c in CLAIMS])


def verdict_counts() -> dict[str, int]:
    return {v: sum(c.verdict == v for c in CLAIMS) for v in VERDICTS}


def refresh_summary(path=None) -> None:
    """Rewrite chapter 5's generated table cell from CLAIMS (run after editing the registry)."""
    refresh(path or ROOT / "notebooks" / "05-claims-checked.ipynb", SUMMARY_WRITER, summary_markdown())
