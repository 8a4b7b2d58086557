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
own numbers), with a comment saying so; tests/test_sources.py checks that every
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
import re
from dataclasses import dataclass, field

from whygo.generated import md_text
from whygo.report import Table

VERDICTS = ("holds", "holds roughly", "misleading", "wrong", "cannot be checked here")
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
    # joined by "; " (tests/test_sources.py checks each name exists), or None for a claim
    # with no source-code basis; the entry then says why in a comment. Keyword-only and
    # required, so that no claim forgets it.
    source: str | None = field(kw_only=True)

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"claim {self.id}: verdict {self.verdict!r} is not one of {VERDICTS}")


CLAIMS: tuple[Claim, ...] = (
    # ---- 1: why Go is efficient -------------------------------------------------------
    Claim("native-no-vm", "1", "它摒弃了传统虚拟机层,直接编译为静态链接的原生机器码",
          "Go has no virtual machine: it compiles straight to statically linked native code.",
          "holds roughly",
          "Native code with the runtime linked in, yes. Static linking is the default only when cgo "
          "is off or unused: with a C compiler present, packages such as net and os/user link libc "
          "dynamically. The ELF inspection in chapter 1 shows both cases.",
          "why-go",
          source="cmd/link/internal/ld/config.go: determineLinkMode, mustLinkExternal"),
    Claim("compiler-passes", "1", "Go编译器在构建阶段完成类型检查、内联展开、逃逸分析和死代码消除",
          "The compiler does type checking, inlining, escape analysis and dead-code elimination at build time.",
          "holds",
          "Inlining and escape analysis are in the compiler's -m output, dead-code elimination in "
          "which functions reach the binary (chapter 1 looks them up), type checking in every "
          "compile error.",
          "why-go",
          source="cmd/compile/internal/gc/main.go: Main; "
                 "cmd/compile/internal/inline/interleaved/interleaved.go: DevirtualizeAndInlinePackage; "
                 "cmd/compile/internal/escape/escape.go: Funcs; "
                 "cmd/compile/internal/ssa/deadcode.go: deadcode"),
    Claim("add-inlined", "1", "调用点被替换为 mov $8, %rax 等直接指令",
          "The call add(3, 5) is replaced by a direct instruction such as mov $8, %rax.",
          "holds roughly",
          "add is inlined and 3+5 is folded to the constant 8; the exact instruction and register "
          "depend on how the result is used (the assembly view shows the one this compiler emits).",
          "why-go",
          source="cmd/compile/internal/inline/inl.go: CanInline; "
                 "cmd/compile/internal/inline/interleaved/interleaved.go: DevirtualizeAndInlinePackage"),
    Claim("static-by-default", "1", "生成的二进制文件默认静态链接所有依赖(包括运行时),无需动态库加载",
          "Binaries statically link all dependencies, the runtime included, by default; no dynamic loading.",
          "misleading",
          "True for pure-Go programs and with CGO_ENABLED=0. A default build that uses net or os/user "
          "on a machine with a C compiler gets a dynamic interpreter and libc.",
          "why-go",
          source="cmd/link/internal/ld/config.go: determineLinkMode"),
    Claim("goroutine-2kb", "1", "初始栈仅2KB",
          "A goroutine's initial stack is only 2 KB.",
          "holds",
          "stackMin = 2048 (runtime/stack.go) and a brand-new goroutine gets malg(stackMin) "
          "(proc.go: newproc1); one reused from the free list runs on startingStackSize, never "
          "less (proc.go: gfget). The stack grows by copying when needed.",
          "why-go",
          source="runtime/proc.go: newproc1, malg, gfget; runtime/stack.go: const stackMin"),
    Claim("thread-vs-goroutine-table", "1", "| Goroutine | 2 KB | ~50 ns | 百万+ |",
          "Table: an OS thread has a ~2 MB stack and costs ~10,000 ns to create; a goroutine 2 KB and ~50 ns.",
          "misleading",
          "The 2 KB holds (a new goroutine gets malg(stackMin)) and goroutines are far lighter "
          "than threads, but not by the table's factors: timed the same way (a start and its "
          "first run), chapter 1 finds a thread costing far less than the table's 200 goroutines, "
          "and neither of the course's timings (that one, and chapter 2.1's loop of 100,000 go "
          "statements with the new goroutines running beside it) comes near ~50 ns. The 百万+ "
          "column is not tested, and Linux typically reserves 8 MiB of stack per thread "
          "(RLIMIT_STACK), not 2 MB.",
          "why-go",
          source="runtime/proc.go: newproc1, malg"),
    Claim("thousand-fold", "1", "内存效率提升千倍以上",
          "Memory efficiency is more than a thousand times better than threads.",
          "misleading",
          "2 MB / 2 KB is a ratio of reservations. Resident memory per idle thread is far below its "
          "reserved stack, so the measured ratio is much smaller than 1000.",
          "why-go",
          source=None),  # a ratio of measured memory (RLIMIT_STACK, resident pages)
    Claim("stw-100us", "1", "STW(Stop-The-World)时间在Go 1.19后稳定控制在百微秒级",
          "Since Go 1.19, stop-the-world pauses stay in the hundreds of microseconds.",
          "holds roughly",
          "Typical pauses are that small, but not guaranteed: they depend on the machine, GOMAXPROCS "
          "and load (on a busy machine some pauses take milliseconds, waiting for goroutines to stop). "
          "The pause histogram from runtime/metrics is measured in chapter 3.1.",
          "gc",
          source=None),  # pause lengths: runtime/metrics in chapter 3.1, not a rule in the source
    Claim("span-pointer-arithmetic", "1", "分配时通过指针算术快速定位空闲区域,避免传统malloc的链表遍历",
          "Allocation finds free space by pointer arithmetic, avoiding malloc's free-list walks.",
          "holds roughly",
          "The fast path (nextFreeFast) finds the next free slot with a count-trailing-zeros on the "
          "span's allocCache bitmap, then computes the address: a bitmap scan, not a list walk.",
          "allocator",
          source="runtime/malloc.go: nextFreeFast"),
    Claim("no-escape-no-alloc", "1", "循环中创建的结构体若未逃逸,全程零堆分配",
          "A struct created in a loop that does not escape causes no heap allocation at all.",
          "holds", "testing.AllocsPerRun reports 0 allocations; -m prints nothing (it stays on the stack).",
          "why-go",
          source="cmd/compile/internal/escape/escape.go: Funcs"),
    Claim("no-vtable", "1", "接口实现不依赖虚函数表",
          "Interfaces do not use a virtual function table.",
          "wrong",
          "An interface value holds an itab whose Fun array is exactly a per-(interface, type) "
          "method table; calls through it are indirect unless the compiler devirtualizes them.",
          "why-go",
          source="internal/abi/iface.go: type ITab; runtime/iface.go: getitab"),
    Claim("no-indirection", "1", "这种设计使抽象层不引入额外间接跳转",
          "This design adds no extra indirect jumps to the abstraction.",
          "wrong",
          "A call through an interface loads the function pointer from the itab and calls it "
          "indirectly; the benchmark in chapter 1 compares direct, interface and devirtualized calls.",
          "why-go",
          source="internal/abi/iface.go: type ITab; "
                 "cmd/compile/internal/devirtualize/devirtualize.go: StaticCall"),
    # ---- 2.1: the scheduler -------------------------------------------------------------
    Claim("m-n", "2.1", "Go 运行时采用 M:N 调度模型",
          "The Go runtime uses an M:N scheduler (many goroutines on a few OS threads).",
          "holds", "Gs run on Ms, and an M needs a P to run Go code; GOMAXPROCS sets the number of Ps.",
          "sched",
          source="runtime/proc.go: schedule, findRunnable, execute"),
    Claim("wake-to-local", "2.1", "G被唤醒后优先入P本地队列",
          "A woken G goes first to the P's local queue.",
          "holds roughly",
          "More precisely: ready() puts it in runnext of the waker's P, so it runs next and "
          "inherits the time slice; the G it displaces moves to the local queue's tail.",
          "sched",
          source="runtime/proc.go: ready, runqput"),
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
          "findRunnable checks the global queue, the netpoller, then stealWork: 4 passes over the "
          "other Ps in random order, taking half of a victim's queue.",
          "sched",
          source="runtime/proc.go: findRunnable, stealWork, runqgrab"),
    Claim("gosched-local", "2.1", "将其放回本地队列尾部",
          "runtime.Gosched() puts the current G back at the tail of the local queue.",
          "wrong",
          "goschedImpl calls globrunqput: the G goes to the tail of the GLOBAL queue. The "
          "simulator, the runtime source and the real runtime's schedtrace (a global queue that "
          "fills up on one P) all show it.",
          "sched",
          source="runtime/proc.go: goschedImpl, globrunqput"),
    Claim("100k-table", "2.1", "| 默认调度 | 1.2ms | 8.7 | 42MB |",
          "Table: 100,000 goroutines: GC pause 1.2 ms, creation 8.7 ms, 42 MB (GOMAXPROCS=1: 3.5 ms, 21.4 ms, 38 MB).",
          "cannot be checked here",
          "The article says neither what its goroutines do nor on which machine. Chapter 2.1 "
          "re-runs it with an explicit workload (a short spin and a 256-byte allocation each): "
          "every figure moves with the load, the workload and the number of Ps, so the table can "
          "be re-measured but not confirmed.",
          "sched",
          source=None),  # the article's own measurements, re-measured in chapter 2.1
    # ---- 2.2: channels ---------------------------------------------------------------------
    Claim("zero-copy-channel", "2.2", "采用 io_uring + memfd_create() 构建无锁环形缓冲区通道",
          "Channels use io_uring and memfd_create() to build a lock-free zero-copy ring buffer.",
          "wrong",
          "runtime/chan.go has a mutex-guarded ring buffer (hchan) and copies every element, into "
          "the buffer or straight to a parked receiver's stack. Go uses neither io_uring nor memfd "
          "for channels, and the article's code is not Go.",
          "channels",
          source="runtime/chan.go: type hchan, chansend, sendDirect"),
    Claim("zero-copy-table", "2.2", "| Channel零拷贝 | 68 | 9% | 0 |",
          "Table: a zero-copy channel moves 1 MB messages in 68 µs with 0 copies.",
          "cannot be checked here",
          "The channel row describes a mechanism Go does not have (see zero-copy-channel). Chapter "
          "2.2 re-measures the JSON-over-HTTP row on the loopback interface and shows what a Go "
          "channel does with a 1 MiB message instead: sent as a slice, only its 24-byte header is "
          "copied; sent as 32 KiB values, every byte is copied twice (into the buffer and out).",
          "channels",
          source="runtime/chan.go: chansend, sendDirect"),
    # ---- 2.3: scheduler under load ---------------------------------------------------------
    Claim("pprof-sched", "2.3", "curl \"http://localhost:6060/debug/pprof/sched?debug=1\"",
          "Scheduler statistics can be read from /debug/pprof/sched.",
          "wrong",
          "net/http/pprof has no sched profile. The real tools are GODEBUG=schedtrace, "
          "runtime/trace with go tool trace, and runtime/metrics.",
          "sched-load",
          source="runtime/pprof/pprof.go: Lookup, Profiles; net/http/pprof/pprof.go: Index"),
    Claim("knee-8500", "2.3", "关键拐点特征(QPS=8500时观测)",
          "The scheduler saturates at about 8,500 QPS on the Kubernetes API server.",
          "cannot be checked here",
          "A figure from one unnamed cluster and API server. Chapter 2.3 finds the knee of a "
          "scaled-down server instead; it moves with the handler's work, the cores and "
          "whatever else runs.",
          "sched-load",
          source=None),  # one cluster's figure
    Claim("gm-ratio-signal", "2.3", "三者比值突变即为调度器饱和信号",
          "A sudden change in the ratios of goroutines, threads and idle Ps signals a saturated "
          "scheduler.",
          "misleading",
          "Half of it does not hold: goroutines follow open connections and threads stay nearly "
          "constant, so G:M grows with the load whether or not the server keeps up (a healthy "
          "server holding many idle connections scores far above 500:1, the chapter's saturated "
          "one far below). The idle-P half roughly matches the chapter, where idle Ps fall to "
          "about 0.3 of GOMAXPROCS or below from the knee on, but it says only that the Ps are "
          "busy, not that goroutines wait. The direct signal is the wait for a P: "
          "/sched/latencies:seconds.",
          "sched-load",
          source="runtime/proc.go: schedtrace"),
    # ---- 2.4: sync.Pool and atomics ----------------------------------------------------------
    Claim("pool-gc-40", "2.4", "曾导致 GC 压力飙升 40%",
          "Creating a TagSet per request raised GC pressure by 40%; sync.Pool fixed it.",
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
    Claim("atomic-23", "2.4", "使用 atomic.Int64 替代 mutex 保护请求计数器",
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
    Claim("pool-freeosmemory", "2.4", "runtime/debug.FreeOSMemory()定期压测验证",
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
    # ---- 2.5: context ------------------------------------------------------------------------
    Claim("deadline-hop", "2.5", "确保超时信号可逐跳感知并触发统一回滚",
          "Passing the deadline along lets every hop see the timeout and triggers a unified rollback.",
          "holds roughly",
          "Inside one process every hop sees the tightest deadline (a child's deadline is capped "
          "by its parent's) and gets DeadlineExceeded. But a context only signals: nothing is "
          "rolled back unless each function checks ctx.Done(), returns and undoes its own work.",
          "context",
          source="context/context.go: WithDeadlineCause"),
    Claim("otel-timeout", "2.5", 'otel.Tracer("order-svc").Start(ctx, "create-order"),',
          "WithTimeout(otel.Tracer(...).Start(ctx, \"create-order\"), 5*time.Second) adds a deadline "
          "and tracing metadata in one call.",
          "wrong",
          "Tracer.Start returns two values (a context and a span), so it cannot be WithTimeout's "
          "parent argument: the code does not compile (shown with a stand-in tracer of the same "
          "signature). Split it: ctx, span := tracer.Start(...); defer span.End().",
          "context",
          source=None),  # a compile error of the article's code (OpenTelemetry is not in the source tree)
    Claim("deadline-table", "2.5", "| HTTP middleware | ✅ | ❌(需手动注入) | ✅ |",
          "Table: gRPC clients and HTTP middleware pass the deadline on; DB drivers depend on "
          "the driver.",
          "misleading",
          "net/http does not send a deadline: the server's request context has none and is only "
          "cancelled when the client hangs up (shown over loopback). gRPC's grpc-timeout header "
          "cannot be checked here (not in the standard library); database/sql does hand the "
          "context to the driver, whose use of it varies, as the table says.",
          "context",
          source="net/http/server.go: conn.serve; database/sql/sql.go: DB.QueryContext"),
    # ---- 3.1: the garbage collector ---------------------------------------------------------
    Claim("hybrid-since-121", "3.1", "Go 1.21+ 默认启用的三色标记 + 混合写屏障",
          "The tri-colour collector with the hybrid write barrier is on by default since Go 1.21.",
          "misleading",
          "Literally true, since Go 1.21 does collect that way, but it dates the design to Go "
          "1.21: the hybrid write barrier arrived in Go 1.8 (proposal 17503, 'eliminate STW "
          "stack re-scanning', cited in runtime/mbarrier.go) and concurrent tri-colour marking "
          "in Go 1.5.",
          "gc",
          source="runtime/mwbbuf.go: wbBufFlush1"),
    Claim("barrier-per-region", "3.1", "栈对象用插入式(保障强一致性),堆对象用删除式",
          "The hybrid barrier uses an insertion barrier for stack objects and a deletion barrier for heap objects.",
          "wrong",
          "Stack writes have no barrier at all. On every heap pointer write the runtime shades both "
          "the old and the new pointer (the Yuasa and Dijkstra halves together: gcWriteBarrier2 "
          "reserves two wbBuf slots and the compiled code stores both pointers there), and "
          "stacks are scanned once, never re-scanned. The article's rule, which skips the shade "
          "when the new object is marked, loses a live object in the model.",
          "gc",
          source="runtime/mwbbuf.go: wbBuf.get2, wbBufFlush1"),
    Claim("daemon-72h", "3.1", "该实现使Daemon在72小时连续运行下,99% GC STW ≤ 150μs",
          "Over 72 hours, the Docker daemon's 99th-percentile GC pause stayed at or below 150 µs.",
          "cannot be checked here",
          "Chapter 3.1 runs a scaled-down long-running allocation workload and plots its pause "
          "distribution from runtime/metrics.",
          "gc",
          source=None),  # a production run's figures
    # ---- 3.2: stacks and escape analysis -------------------------------------------------------
    Claim("addr-escapes", "3.2", "参数 &ctx 是逃逸判定的直接诱因",
          "Passing &ctx is by itself what makes ctx escape to the heap.",
          "misleading",
          "Taking an address does not make a variable escape. It escapes only if the callee lets "
          "the pointer outlive the call (stores it, returns it, hands it to an interface that "
          "leaks); -m reports 'does not escape' otherwise.",
          "stacks-escape",
          source="cmd/compile/internal/escape/solve.go: batch.outlives"),
    Claim("ptr-literal-heap", "3.2", "ctx := &RequestCtx{} |",
          "Table: ctx := &RequestCtx{} escapes and is allocated on the heap.",
          "misleading",
          "Writing &T{} decides nothing: if the pointer never leaves the function (or goes only "
          "to callees that do not keep it), -m prints '&RequestCtx{} does not escape' and the "
          "struct stays on the stack with 0 allocations; it moves to the heap only when the "
          "pointer is kept.",
          "stacks-escape",
          source="cmd/compile/internal/escape/solve.go: batch.outlives"),
    Claim("escape-120ns", "3.2", "+120ns(含GC开销)",
          "Table: a heap-allocated request context adds 120 ns per request (GC included) at 10k RPS.",
          "cannot be checked here",
          "The Envoy plugin and its load are not available. Chapter 3.2 measures the same pattern "
          "with go test -benchmem: one allocation per request and what it costs, which depends "
          "on the struct's size and on GC pressure.",
          "stacks-escape",
          source=None),  # a plugin's measured cost
    Claim("sprintf-escape", "3.2", "fmt.Sprintf、map[string]interface{}等隐式逃逸操作",
          "fmt.Sprintf and map[string]interface{} are hidden sources of escapes.",
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
    # ---- 3.3: the allocator ------------------------------------------------------------------
    Claim("mcache-numsizeclasses", "3.3", "alloc[NumSizeClasses]*mspan",
          "mcache holds alloc[NumSizeClasses]*mspan, one span per size class.",
          "wrong",
          "mcache.alloc is indexed by span class: [numSpanClasses]*mspan, twice the number of size "
          "classes (a scan and a noscan span for each).",
          "allocator",
          source="runtime/mcache.go: type mcache; runtime/mheap.go: const numSpanClasses"),
    Claim("mcache-per-p", "3.3", "每个 P 绑定独立 mcache,避免 mcentral 全局锁",
          "Each P is bound to its own mcache, which avoids mcentral's global lock.",
          "holds roughly",
          "Each P has its own mcache (runtime2.go: p.mcache), so the fast path takes no lock. But "
          "mcentral has no global lock to avoid: there is one mcentral per span class, and its "
          "span lists are lock-free span sets (mcentral.go; mspanset.go's spineLock only grows a "
          "set). The lock a refill can meet is mheap_.lock, in allocSpan, when the heap must grow "
          "and the P's page cache cannot serve it.",
          "allocator",
          source="runtime/runtime2.go: type p; "
                 "runtime/mcentral.go: type mcentral, mcentral.cacheSpan; "
                 "runtime/mheap.go: mheap.allocSpan"),
    Claim("labelpair-16b", "3.3", "Metric、LabelPair 等 ≤16B 小对象",
          "Metric, LabelPair and the like are small objects of at most 16 bytes.",
          "wrong",
          "A label pair of two strings is 32 bytes (two string headers) and holds pointers, so it "
          "can never use the 16-byte tiny allocator, which takes only pointer-free objects; a "
          "sample struct is larger still.",
          "allocator",
          source="runtime/malloc.go: mallocgcTiny, mallocgc"),
    Claim("alloc-2-16b", "3.3", "mcache.alloc[2](对应16B class)",
          "new(LabelPair) takes its span from mcache.alloc[2], the 16-byte class.",
          "wrong",
          "mcache.alloc is indexed by span class (size class << 1 | noscan): alloc[2] is size class "
          "1 (8 bytes) with pointers. The 16-byte class is size class 2, span classes 4 and 5; a "
          "32-byte LabelPair uses span class 8.",
          "allocator",
          source="runtime/mheap.go: makeSpanClass"),
    Claim("freeindex-atomic", "3.3", "原子递增 span.freeIndex",
          "The fast path atomically increments span.freeIndex and returns the pointer.",
          "wrong",
          "nextFreeFast finds the slot with a count of trailing zeros in allocCache and updates "
          "freeindex with plain stores: no atomic is needed, because the mcache and its spans "
          "belong to the running P.",
          "allocator",
          source="runtime/malloc.go: nextFreeFast"),
    Claim("pool-throughput-table", "3.3", "| 标准 new() | 2.1M | 89 |",
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
    # ---- 4: deployment --------------------------------------------------------------------------
    Claim("no-base-image", "4.1", "彻底消除 /bin/sh、curl 等基础镜像层依赖",
          "A single static binary removes any need for the base image's /bin/sh, curl and the like.",
          "holds roughly",
          "The service's ELF file has no interpreter and no needed libraries, and it answers 200 from "
          "a root directory that holds nothing but itself. Data files are another matter: TLS roots "
          "and time zones are read from the disk unless they are embedded (time/tzdata).",
          "single-binary",
          source=None),  # measured: the binary's ELF headers and a run in an empty root
    Claim("scratch-table", "4.1", "87 MB | 1.24 s |",
          "Table: alpine:3.19 + Go binary is 87 MB and starts in 1.24 s; scratch + static binary is "
          "14.3 MB and starts in 0.38 s.",
          "cannot be checked here",
          "There is no container engine here, and the article names neither its program nor how it "
          "timed a start. Chapter 4.1 shows the binary's size and the files a scratch image would "
          "hold, and times exec to first 200 of a real HTTP service beside the article's figures.",
          "single-binary",
          source=None),  # the article's container figures
    Claim("exec-form-62", "4.1", "实测降低 init 容器初始化耗时 62%",
          "Starting the binary directly (ENTRYPOINT exec form) instead of through sh -c cut the init "
          "container's start-up time by 62%.",
          "cannot be checked here",
          "A shell in front of the binary adds the start of one more program (chapter 4.1 times "
          "it); what share of an init container's start that is depends on everything else "
          "the container does. In a scratch image there is no /bin/sh at all, so the exec form is "
          "not an optimisation but the only form that works.",
          "single-binary",
          source=None),  # an init container's measured start-up
    Claim("upx-83", "4.1", "体积↓83% → 启动I/O↓71%",
          "Compressing the binary with UPX cuts its size by 83% and start-up I/O by 71%.",
          "cannot be checked here",
          "UPX is not part of this course's toolchain. A UPX-packed binary must decompress itself "
          "into memory at every start, trading disk I/O for CPU time and for memory that can no "
          "longer be shared between processes; the article shows no start-up measurement.",
          "single-binary",
          source=None),  # UPX is not part of the Go toolchain
    Claim("fmt-cgo", "4.2", "避免CGO调用(如fmt.Println)",
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
    Claim("cgo-size-dynamic", "4.2", "CGO启用会显著增加二进制体积与动态链接依赖",
          "Enabling cgo significantly increases binary size and dynamic-link dependencies.",
          "misleading",
          "The dependency part holds: with cgo the same HTTP server needs the dynamic loader and "
          "libc, and no longer starts in an empty root. The size part does not: the binary grows by "
          "about one percent.",
          "cgo",
          source="net/cgo_unix.go: cgoLookupHost"),
    Claim("cold-start-table", "4.2", "| net/http (CGO=0) | 83 | 112 | 9.2 MB |",
          "Table: cold start to the first 200 on an ARM64 edge node: net/http (CGO=0) P50 83 ms, "
          "P90 112 ms, 9.2 MB; nginx+Lua 147 ms, 236 ms, 24.8 MB.",
          "cannot be checked here",
          "nginx and Lua are not part of this course, and the machine differs. time -p times a "
          "process until it exits, which a server does not do; chapter 4.2 times exec to first 200 "
          "directly, cgo off and on; cgo adds the dynamic loader's work.",
          "cgo",
          source=None),  # the article's edge-node figures
    Claim("us-to-handler", "4.2", "微秒级跳转至handler",
          "A pure Go server reaches its handler within microseconds of starting.",
          "misleading",
          "Loading a static binary is quick, but runtime start-up, opening the socket and serving "
          "the first request all come before the handler's answer; chapter 4.2 times them together, "
          "from exec to the first 200.",
          "cgo",
          source=None),  # measured: exec to the first 200 in chapter 4.2
    Claim("gcflags-l-reflection", "4.3", "-gcflags=-l 的精准生效路径",
          "-gcflags=-l trims reflection metadata and shrinks the binary.",
          "wrong",
          "-l disables inlining, nothing else. It does not remove type information (the type: "
          "symbols stay); on chapter 4.3's JSON program it changes the size by bytes (main package "
          "only) or shrinks it by under a tenth while calls get slower (all=-l); -ldflags='-s -w' "
          "is what removes a third.",
          "binary-size",
          source="cmd/compile/internal/base/flag.go: type CmdFlags"),
    Claim("linkname-example", "4.3", "//go:linkname unsafeJSONUnmarshal encoding/json.unmarshal",
          "//go:linkname lets a service call encoding/json's internal unmarshal directly.",
          "wrong",
          "The example's function has a body that calls itself, so it could only recurse forever; "
          "and with the pinned toolchain even a correct, bodyless declaration does not link "
          "(chapter 4.3 shows the linker's message).",
          "binary-size",
          source="cmd/link/internal/loader/loader.go: Loader.checkLinkname"),
    Claim("plugin-vs-nocgo", "4.4", "Go Plugin 机制通过 plugin.Open() 加载预编译的 .so 文件",
          "Go plugins, loaded with plugin.Open(), replace dynamic linking for hot updates.",
          "misleading",
          "The plugin package needs cgo and the identical toolchain and dependency versions for "
          "host and plugin, which contradicts the CGO-disabled deployment of section 4.2. A "
          "plugin cannot be closed (the package documentation says so), so every update stays "
          "in memory for the life of the process.",
          "plugins",
          source="plugin/plugin.go: Open; plugin/plugin_dlopen.go: open"),
    Claim("plugin-sandbox", "4.4", "禁止访问os,net,unsafe等敏感包",
          "Tenant plugins are kept from using sensitive packages such as os, net and unsafe, and "
          "isolated by running in their own goroutine with a context timeout.",
          "wrong",
          "Go has no way to restrict what a plugin imports: it runs in the host's address space "
          "with the host's rights (the tenant plugin of chapter 4.4 links os, syscall and unsafe "
          "through fmt and encoding/json). A goroutine is not a sandbox and a context is only a "
          "request to stop; isolation needs a separate process or a WebAssembly runtime.",
          "plugins",
          source="plugin/plugin_dlopen.go: open"),
    Claim("plugin-example", "4.4", 'import "plugin"',
          "The example plugin source (plugin/main.go) builds into plugin.so.",
          "wrong",
          "It imports plugin, which it never uses, and uses context without importing it: the Go "
          "compiler rejects both (chapter 4.4 builds it and shows the errors).",
          "plugins",
          source=None),  # compile errors of the article's code
    # ---- 5: the conclusion ---------------------------------------------------------------------
    Claim("conclusion-k8s", "5", "基于 Kubernetes 的微服务灰度发布系统全链路搭建",
          "The article concludes with a Kubernetes canary-release system and its business figures.",
          "cannot be checked here",
          "The conclusion describes a system the earlier chapters never built; its figures cannot "
          "be traced to any measurement.",
          "claims",
          source=None),  # a system the article never shows
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
        text = (f"Claim check (article §{c.section}): {c.zh}\n  English: {c.en}\n"
                f"  Verdict: {c.verdict.upper()}. {c.why}")
        if self.disagreement:
            text += f"\n  {DISAGREE_LABEL}: {self.disagreement}"
        return text

    def _repr_html_(self) -> str:
        c = self.claim
        colour = VERDICT_COLOURS[c.verdict]
        note = (f'<div style="background:#fef9c3;padding:2px 6px"><b>{DISAGREE_LABEL}:</b> '
                f"{html.escape(self.disagreement)}</div>" if self.disagreement else "")
        # The ids let chapter 5 link straight to this check: ``id`` for the book
        # (page.html#claim-ID) and for an untrusted notebook, whose HTML JupyterLab
        # sanitizes, turning ``id`` into ``data-jupyter-id``; ``data-jupyter-id`` for a
        # trusted one (run by the reader), which keeps ``id`` while JupyterLab looks for a
        # link's #fragment only in ``data-jupyter-id``. mathjax_ignore: a quote such as
        # "mov $8, %rax" is text, not TeX.
        return (f'<div id="claim-{c.id}" data-jupyter-id="claim-{c.id}" class="mathjax_ignore" '
                f'style="border-left:4px solid {colour};padding:4px 10px;margin:6px 0">'
                f"<div><b>Claim check</b> (article §{html.escape(c.section)})</div>"
                f'<div lang="zh">{quote_html(c.zh)}</div>'
                f"<div><i>{html.escape(c.en)}</i></div>"
                f'<div><b style="color:{colour}">Verdict: {html.escape(c.verdict)}.</b> '
                f"{html.escape(c.why)}</div>{note}</div>")


def quoted_rows(quote: str) -> list[list[str]] | None:
    """The cells of a quote taken from one of the article's Markdown tables, else None.

    Such a quote is one or more lines that each hold a "|" ("| Goroutine | 2 KB | ~50 ns |",
    or the article's broken rows such as "87 MB | 1.24 s |"); separator lines (|---|) are
    left out."""
    lines = [line.strip() for line in quote.splitlines() if line.strip()]
    if not lines or not all("|" in line for line in lines):
        return None
    rows = [[cell.strip() for cell in line.strip("|").split("|")]
            for line in lines if not re.fullmatch(r"[\s|:-]+", line)]
    return rows or None


_QUOTE_TABLE = '<table style="border-collapse:collapse;margin:2px 0;overflow-wrap:anywhere">{}</table>'
_QUOTE_CELL = '<td style="border:1px solid #94a3b8;padding:1px 3px">{}</td>'


def quote_html(quote: str, escape=html.escape) -> str:
    """A quote as HTML: the article's table rows as a small table, other text as it is.

    ``escape`` makes each piece of text safe where the HTML goes: HTML-escaping for an
    output, Markdown-escaping too inside a Markdown cell (``md_text``)."""
    rows = quoted_rows(quote)
    if rows is None:
        return escape(quote)
    body = "".join("<tr>" + "".join(_QUOTE_CELL.format(escape(cell)) for cell in row) + "</tr>"
                   for row in rows)
    return _QUOTE_TABLE.format(body)


DISAGREE_LABEL = "This machine disagrees"
DISAGREE_NOTE = ("The verdict is what the runtime's source and typical machines show; "
                 "the output above is what this one measured.")


def show(claim_id: str, *, agrees: bool = True, here: str = "") -> ClaimCheck:
    """The claim's box. ``agrees`` is the measurement's own conclusion where the
    verdict rests on one (the boolean the cell above printed); when it is False,
    ``here`` (this machine's figures, printed with whygo.report) is shown as a
    disagreement next to the verdict."""
    if not agrees and not here:
        raise ValueError(f"claim {claim_id}: say what this machine measured (here=...) "
                         "when it disagrees with the verdict")
    return ClaimCheck(get(claim_id), "" if agrees else f"{here}. {DISAGREE_NOTE}")


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
UNMARKED = "(no deciding output marked) "
EVIDENCE_CHARS = 200
# Reprs that say nothing: a figure or a player whose picture is the real output.
_REPR = re.compile(r"^(<Figure size [^>]*>|Player\(.*\)|<IPython\.core\.display\..*>)$")


def deciding_outputs(manifest=None) -> dict[str, list[tuple[str, str, str, list[str]]]]:
    """claim id -> [(notebook, cell id, pattern, matching output lines)], one entry per
    code cell whose metadata marks it as deciding the claim (see ``DECIDES``)."""
    import json

    from whygo.book import load_manifest
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
    prefixed with ``UNMARKED``."""
    import json

    from whygo.book import load_manifest
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
                evidence = (" / ".join(hits)[:EVIDENCE_CHARS] if hits
                            else UNMARKED + previous_output)
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
SUMMARY_HEADER = ("verdict", "the claim, then the article's own words", "checked in")
SUMMARY_SECTION = "article §{section}"
SUMMARY_TO_COME = "(chapter to come)"
_BADGE = ('<span style="display:inline-block;padding:0 4px;border-radius:4px;font-size:0.9em;'
          'background:{colour};color:#ffffff;font-weight:bold">{mark} {verdict}</span>')


def verdict_badge(verdict: str) -> str:
    """The verdict as a coloured label (HTML that JupyterLab's sanitizer and the book keep)."""
    return _BADGE.format(colour=VERDICT_COLOURS[verdict], mark=VERDICT_MARKS[verdict],
                         verdict=html.escape(verdict))


def summary_markdown(manifest=None) -> str:
    """Chapter 5's table of every claim, in article order: the verdict first, as a coloured
    label; the claim in English above the article's words (its table rows as a table); a
    link to the check in its chapter (``#claim-ID``, the box's id) above the article's
    section.

    Three columns, and long quotes may wrap anywhere, so that it fits a book page even on
    a phone; every quote is escaped for Markdown and TeX (``md_text``). The cell starts
    with the marker of whygo/generated.py."""
    from whygo.book import load_manifest
    from whygo.generated import with_marker
    manifest = manifest or load_manifest()
    titles = {e.id: (e.title, e.notebook) for e in manifest.chapters}
    rows = ["| " + " | ".join(SUMMARY_HEADER) + " |", "| --- | --- | --- |"]
    for c in CLAIMS:
        title, notebook = titles.get(c.chapter, (None, None))
        where = (f"[{md_text(title)}]({notebook.removeprefix('notebooks/')}#claim-{c.id})"
                 if notebook else SUMMARY_TO_COME)
        where += "<br>" + SUMMARY_SECTION.format(section=c.section)
        # overflow-wrap: a long quote (a URL, a Go identifier) wraps instead of widening the table
        claim = (f'<span style="overflow-wrap:anywhere">{md_text(c.en)}<br>'
                 f'<span lang="zh">{quote_html(c.zh, md_text)}</span></span>')
        rows.append(f"| {verdict_badge(c.verdict)} | {claim} | {where} |")
    return with_marker(SUMMARY_WRITER, "\n".join(rows))


EVIDENCE_HEADER = ("claim", "verdict", "evidence printed by the chapter")


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
    return QuoteTable(list(EVIDENCE_HEADER),
                      [[c.id, c.verdict, shown[c.id][1] if c.id in shown else SUMMARY_TO_COME]
                       for c in CLAIMS])


def verdict_counts() -> dict[str, int]:
    return {v: sum(c.verdict == v for c in CLAIMS) for v in VERDICTS}


def refresh_summary(path=None) -> None:
    """Rewrite chapter 5's generated table cell from CLAIMS (run after editing the registry)."""
    from whygo.book import ROOT
    from whygo.generated import refresh
    refresh(path or ROOT / "notebooks" / "05-claims-checked.ipynb", SUMMARY_WRITER, summary_markdown())
