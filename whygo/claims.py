"""Every claim of the source article the course checks, kept in one place.

The course was built from a Chinese article, "Go语言为什么高效". Each claim
below quotes it exactly (``zh``, a substring of the article; a test checks
that when the article is available), renders it in English, gives the verdict
the runtime source supports, and names the chapter whose cell decides it.
Chapters show a claim with ``show(claim_id)`` next to the evidence cell; the
final chapter builds its table from ``CLAIMS``. Nothing is retyped elsewhere,
so a chapter and the summary cannot disagree.

Verdicts: holds, holds roughly, misleading, wrong, cannot be checked here.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

from whygo.generated import md_text

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
          "why-go"),
    Claim("compiler-passes", "1", "Go编译器在构建阶段完成类型检查、内联展开、逃逸分析和死代码消除",
          "The compiler does type checking, inlining, escape analysis and dead-code elimination at build time.",
          "holds", "All four are visible in the compiler's -m output and in the generated assembly.",
          "why-go"),
    Claim("add-inlined", "1", "调用点被替换为 mov $8, %rax 等直接指令",
          "The call add(3, 5) is replaced by a direct instruction such as mov $8, %rax.",
          "holds roughly",
          "add is inlined and 3+5 is folded to the constant 8; the exact instruction and register "
          "depend on how the result is used (the assembly view shows the one this compiler emits).",
          "why-go"),
    Claim("static-by-default", "1", "生成的二进制文件默认静态链接所有依赖(包括运行时),无需动态库加载",
          "Binaries statically link all dependencies, the runtime included, by default; no dynamic loading.",
          "misleading",
          "True for pure-Go programs and with CGO_ENABLED=0. A default build that uses net or os/user "
          "on a machine with a C compiler gets a dynamic interpreter and libc.",
          "why-go"),
    Claim("goroutine-2kb", "1", "初始栈仅2KB",
          "A goroutine's initial stack is only 2 KB.",
          "holds", "stackMin = 2048 in runtime/stack.go; the stack grows by copying when needed.",
          "why-go"),
    Claim("thread-vs-goroutine-table", "1", "| Goroutine | 2 KB | ~50 ns | 百万+ |",
          "Table: an OS thread has a ~2 MB stack and costs ~10,000 ns to create; a goroutine 2 KB and ~50 ns.",
          "holds roughly",
          "The order of magnitude holds; the figures are re-measured on this machine in chapter 1 "
          "(and Linux reserves 8 MiB of virtual stack per thread by default, not 2 MB).",
          "why-go"),
    Claim("thousand-fold", "1", "内存效率提升千倍以上",
          "Memory efficiency is more than a thousand times better than threads.",
          "misleading",
          "2 MB / 2 KB is a ratio of reservations. Resident memory per idle thread is far below its "
          "reserved stack, so the measured ratio is much smaller than 1000.",
          "why-go"),
    Claim("stw-100us", "1", "STW(Stop-The-World)时间在Go 1.19后稳定控制在百微秒级",
          "Since Go 1.19, stop-the-world pauses stay in the hundreds of microseconds.",
          "holds roughly",
          "Typical pauses are that small, but not guaranteed: they depend on the machine, GOMAXPROCS "
          "and load (on a busy machine some pauses take milliseconds, waiting for goroutines to stop). "
          "The pause histogram from runtime/metrics is measured in chapter 3.1.",
          "gc"),
    Claim("span-pointer-arithmetic", "1", "分配时通过指针算术快速定位空闲区域,避免传统malloc的链表遍历",
          "Allocation finds free space by pointer arithmetic, avoiding malloc's free-list walks.",
          "holds roughly",
          "The fast path (nextFreeFast) finds the next free slot with a count-trailing-zeros on the "
          "span's allocCache bitmap, then computes the address: a bitmap scan, not a list walk.",
          "allocator"),
    Claim("no-escape-no-alloc", "1", "循环中创建的结构体若未逃逸,全程零堆分配",
          "A struct created in a loop that does not escape causes no heap allocation at all.",
          "holds", "testing.AllocsPerRun reports 0 allocations; -m prints nothing (it stays on the stack).",
          "why-go"),
    Claim("no-vtable", "1", "接口实现不依赖虚函数表",
          "Interfaces do not use a virtual function table.",
          "wrong",
          "An interface value holds an itab whose Fun array is exactly a per-(interface, type) "
          "method table; calls through it are indirect unless the compiler devirtualizes them.",
          "why-go"),
    Claim("no-indirection", "1", "这种设计使抽象层不引入额外间接跳转",
          "This design adds no extra indirect jumps to the abstraction.",
          "wrong",
          "A call through an interface loads the function pointer from the itab and calls it "
          "indirectly; the benchmark in chapter 1 compares direct, interface and devirtualized calls.",
          "why-go"),
    # ---- 2.1: the scheduler -------------------------------------------------------------
    Claim("m-n", "2.1", "Go 运行时采用 M:N 调度模型",
          "The Go runtime uses an M:N scheduler (many goroutines on a few OS threads).",
          "holds", "Gs run on Ms, and an M needs a P to run Go code; GOMAXPROCS sets the number of Ps.",
          "sched"),
    Claim("wake-to-local", "2.1", "G被唤醒后优先入P本地队列",
          "A woken G goes first to the P's local queue.",
          "holds roughly",
          "More precisely: ready() puts it in runnext of the waker's P, so it runs next and "
          "inherits the time slice; the G it displaces moves to the local queue's tail.",
          "sched"),
    Claim("new-g-local-then-global", "2.1", "新建G → 入P本地队列(若满则批量迁移至全局队列)",
          "A new G goes to the P's local queue, and in batches to the global queue when it is full.",
          "holds",
          "newproc uses runqput(next=true); a full queue makes runqputslow move half of it "
          "(128) plus the new G to the global queue.",
          "sched"),
    Claim("stealing", "2.1", "P空闲时 → 从全局队列或其它P的队列“偷取”G(work-stealing)",
          "An idle P takes Gs from the global queue or steals from other Ps.",
          "holds",
          "findRunnable checks the global queue, the netpoller, then stealWork: 4 passes over the "
          "other Ps in random order, taking half of a victim's queue.",
          "sched"),
    Claim("gosched-local", "2.1", "将其放回本地队列尾部",
          "runtime.Gosched() puts the current G back at the tail of the local queue.",
          "wrong",
          "goschedImpl calls globrunqput: the G goes to the tail of the GLOBAL queue. The "
          "simulator, the runtime source and the real runtime's schedtrace (a global queue that "
          "fills up on one P) all show it.",
          "sched"),
    Claim("100k-table", "2.1", "| 默认调度 | 1.2ms | 8.7 | 42MB |",
          "Table: 100,000 goroutines: GC pause 1.2 ms, creation 8.7 ms, 42 MB (GOMAXPROCS=1: 3.5 ms, 21.4 ms, 38 MB).",
          "cannot be checked here",
          "The article says neither what its goroutines do nor on which machine. Chapter 2.1 "
          "re-runs it with an explicit workload (a short spin and a 256-byte allocation each): "
          "every figure moves with the load, the workload and the number of Ps, so the table can "
          "be re-measured but not confirmed.",
          "sched"),
    # ---- 2.2: channels ---------------------------------------------------------------------
    Claim("zero-copy-channel", "2.2", "采用 io_uring + memfd_create() 构建无锁环形缓冲区通道",
          "Channels use io_uring and memfd_create() to build a lock-free zero-copy ring buffer.",
          "wrong",
          "runtime/chan.go has a mutex-guarded ring buffer (hchan) and copies every element, into "
          "the buffer or straight to a parked receiver's stack. Go uses neither io_uring nor memfd "
          "for channels, and the article's code is not Go.",
          "channels"),
    Claim("zero-copy-table", "2.2", "| Channel零拷贝 | 68 | 9% | 0 |",
          "Table: a zero-copy channel moves 1 MB messages in 68 µs with 0 copies.",
          "cannot be checked here",
          "The channel row describes a mechanism Go does not have (see zero-copy-channel). Chapter "
          "2.2 re-measures the JSON-over-HTTP row on the loopback interface and shows what a Go "
          "channel does with a 1 MiB message instead: sent as a slice, only its 24-byte header is "
          "copied; sent as 32 KiB values, every byte is copied twice (into the buffer and out).",
          "channels"),
    # ---- 2.3: scheduler under load ---------------------------------------------------------
    Claim("pprof-sched", "2.3", "curl \"http://localhost:6060/debug/pprof/sched?debug=1\"",
          "Scheduler statistics can be read from /debug/pprof/sched.",
          "wrong",
          "net/http/pprof has no sched profile. The real tools are GODEBUG=schedtrace, "
          "runtime/trace with go tool trace, and runtime/metrics.",
          "sched-load"),
    Claim("knee-8500", "2.3", "关键拐点特征(QPS=8500时观测)",
          "The scheduler saturates at about 8,500 QPS on the Kubernetes API server.",
          "cannot be checked here",
          "A figure from one unnamed cluster. Chapter 2.3 finds the knee of a scaled-down server "
          "on this machine instead.",
          "sched-load"),
    Claim("gm-ratio-signal", "2.3", "三者比值突变即为调度器饱和信号",
          "A sudden change in the ratios of goroutines, threads and idle Ps signals a saturated "
          "scheduler.",
          "misleading",
          "Goroutines follow open connections and threads stay nearly constant, so G:M grows with "
          "load whether or not the server keeps up; idle Ps reach zero at the knee but also on "
          "any busy machine. The direct signal is the wait for a P: /sched/latencies:seconds.",
          "sched-load"),
    # ---- 2.4: sync.Pool and atomics ----------------------------------------------------------
    Claim("pool-gc-40", "2.4", "曾导致 GC 压力飙升 40%",
          "Creating a TagSet per request raised GC pressure by 40%; sync.Pool fixed it.",
          "cannot be checked here",
          "The service is not available; chapter 2.4 measures the same pattern: allocations per "
          "operation with and without the pool.",
          "pool-atomic"),
    Claim("pool-no-guarantee", "2.4", "Pool 不保证对象存活",
          "A Pool does not guarantee that pooled objects survive.",
          "holds", "The GC clears pools (poolCleanup, with a victim cache for one more cycle).",
          "pool-atomic"),
    Claim("atomic-23", "2.4", "使用 atomic.Int64 替代 mutex 保护请求计数器",
          "Replacing a mutex-guarded counter by atomic.Int64 raised QPS by 23%.",
          "holds roughly",
          "An atomic add costs less than a lock/unlock pair (chapter 2.4 checks the margin on "
          "the reader's machine); inside a request with other work the saving is a small share of "
          "the time, so +23% QPS means the service spent a large share of its time on that one "
          "lock. The article's own figure cannot be reproduced without its service.",
          "pool-atomic"),
    Claim("pool-reset", "2.4", "Get()返回的对象需显式重置(如清空 slice),避免脏数据污染",
          "An object from Get() must be reset explicitly (e.g. empty its slice) or it carries "
          "stale data.",
          "holds",
          "A pooled TagSet that is not reset hands the previous request's labels to the next "
          "one; Pool.Get returns whatever was Put, as it was.",
          "pool-atomic"),
    Claim("pool-freeosmemory", "2.4", "runtime/debug.FreeOSMemory()定期压测验证",
          "Because a Pool does not keep objects alive, verify it regularly under load with "
          "runtime/debug.FreeOSMemory().",
          "misleading",
          "FreeOSMemory forces a GC and returns free memory to the OS; to a Pool it is one more "
          "GC (poolCleanup), so it verifies nothing. Code must work whenever Get calls New.",
          "pool-atomic"),
    # ---- 2.5: context ------------------------------------------------------------------------
    Claim("deadline-hop", "2.5", "确保超时信号可逐跳感知并触发统一回滚",
          "Passing the deadline along lets every hop see the timeout and triggers a unified rollback.",
          "holds roughly",
          "Inside one process every hop sees the tightest deadline (a child's deadline is capped "
          "by its parent's) and gets DeadlineExceeded. But a context only signals: nothing is "
          "rolled back unless each function checks ctx.Done(), returns and undoes its own work.",
          "context"),
    Claim("otel-timeout", "2.5", 'otel.Tracer("order-svc").Start(ctx, "create-order"),',
          "WithTimeout(otel.Tracer(...).Start(ctx, \"create-order\"), 5*time.Second) adds a deadline "
          "and tracing metadata in one call.",
          "wrong",
          "Tracer.Start returns two values (a context and a span), so it cannot be WithTimeout's "
          "parent argument: the code does not compile (shown with a stand-in tracer of the same "
          "signature). Split it: ctx, span := tracer.Start(...); defer span.End().",
          "context"),
    Claim("deadline-table", "2.5", "| HTTP middleware | ✅ | ❌(需手动注入) | ✅ |",
          "Table: gRPC clients and HTTP middleware pass the deadline on; DB drivers depend on "
          "the driver.",
          "misleading",
          "net/http does not send a deadline: the server's request context has none and is only "
          "cancelled when the client hangs up (shown over loopback). gRPC's grpc-timeout header "
          "cannot be checked here (not in the standard library); database/sql does hand the "
          "context to the driver, whose use of it varies, as the table says.",
          "context"),
    # ---- 3.1: the garbage collector ---------------------------------------------------------
    Claim("hybrid-since-121", "3.1", "Go 1.21+ 默认启用的三色标记 + 混合写屏障",
          "The tri-colour collector with the hybrid write barrier is on by default since Go 1.21.",
          "wrong",
          "The hybrid write barrier arrived in Go 1.8 (proposal 17503, 'eliminate stack "
          "re-scanning'); concurrent tri-colour marking dates from Go 1.5.",
          "gc"),
    Claim("barrier-per-region", "3.1", "栈对象用插入式(保障强一致性),堆对象用删除式",
          "The hybrid barrier uses an insertion barrier for stack objects and a deletion barrier for heap objects.",
          "wrong",
          "Stack writes have no barrier at all. On every heap pointer write the runtime shades both "
          "the old and the new pointer (the Yuasa and Dijkstra halves together: gcWriteBarrier2), "
          "and stacks are scanned once, never re-scanned. The article's rule, which skips the shade "
          "when the new object is marked, loses a live object in the model.",
          "gc"),
    Claim("daemon-72h", "3.1", "该实现使Daemon在72小时连续运行下,99% GC STW ≤ 150μs",
          "Over 72 hours, the Docker daemon's 99th-percentile GC pause stayed at or below 150 µs.",
          "cannot be checked here",
          "Chapter 3.1 runs a scaled-down long-running allocation workload and plots its pause "
          "distribution from runtime/metrics.",
          "gc"),
    # ---- 3.2: stacks and escape analysis -------------------------------------------------------
    Claim("addr-escapes", "3.2", "参数 &ctx 是逃逸判定的直接诱因",
          "Passing &ctx is by itself what makes ctx escape to the heap.",
          "misleading",
          "Taking an address does not make a variable escape. It escapes only if the callee lets "
          "the pointer outlive the call (stores it, returns it, hands it to an interface that "
          "leaks); -m reports 'does not escape' otherwise.",
          "stacks-escape"),
    Claim("ptr-literal-heap", "3.2", "ctx := &RequestCtx{} |",
          "Table: ctx := &RequestCtx{} escapes and is allocated on the heap.",
          "misleading",
          "Writing &T{} decides nothing: if the pointer never leaves the function (or goes only "
          "to callees that do not keep it), -m prints '&RequestCtx{} does not escape' and the "
          "struct stays on the stack with 0 allocations; it moves to the heap only when the "
          "pointer is kept.",
          "stacks-escape"),
    Claim("escape-120ns", "3.2", "+120ns(含GC开销)",
          "Table: a heap-allocated request context adds 120 ns per request (GC included) at 10k RPS.",
          "cannot be checked here",
          "The Envoy plugin and its load are not available. Chapter 3.2 measures the same pattern "
          "with go test -benchmem: one allocation per request and its cost on this machine, which "
          "depends on the struct's size and on GC pressure.",
          "stacks-escape"),
    Claim("sprintf-escape", "3.2", "fmt.Sprintf、map[string]interface{}等隐式逃逸操作",
          "fmt.Sprintf and map[string]interface{} are hidden sources of escapes.",
          "holds",
          "-m shows fmt.Sprintf's arguments escaping (each is converted to an interface) and the "
          "result string is a new allocation; storing values in a map[string]interface{} boxes "
          "them on the heap (2 and 3 allocations per call here, 0 with strconv and a reused "
          "buffer). Constants and values that never leave the function are exempt.",
          "stacks-escape"),
    # ---- 3.3: the allocator ------------------------------------------------------------------
    Claim("mcache-numsizeclasses", "3.3", "alloc[NumSizeClasses]*mspan",
          "mcache holds alloc[NumSizeClasses]*mspan, one span per size class.",
          "wrong",
          "mcache.alloc is indexed by span class: [numSpanClasses]*mspan, twice the number of size "
          "classes (a scan and a noscan span for each).",
          "allocator"),
    Claim("mcache-per-p", "3.3", "每个 P 绑定独立 mcache,避免 mcentral 全局锁",
          "Each P has its own mcache, so the fast path takes no lock.",
          "holds", "mcache is per P (p.mcache); only a refill goes to mcentral, which has per-span-class locks.",
          "allocator"),
    Claim("labelpair-16b", "3.3", "Metric、LabelPair 等 ≤16B 小对象",
          "Metric, LabelPair and the like are small objects of at most 16 bytes.",
          "wrong",
          "A label pair of two strings is 32 bytes (two string headers) and holds pointers, so it "
          "can never use the 16-byte tiny allocator, which takes only pointer-free objects; a "
          "sample struct is larger still.",
          "allocator"),
    Claim("alloc-2-16b", "3.3", "mcache.alloc[2](对应16B class)",
          "new(LabelPair) takes its span from mcache.alloc[2], the 16-byte class.",
          "wrong",
          "mcache.alloc is indexed by span class (size class << 1 | noscan): alloc[2] is size class "
          "1 (8 bytes) with pointers. The 16-byte class is size class 2, span classes 4 and 5; a "
          "32-byte LabelPair uses span class 8.",
          "allocator"),
    Claim("freeindex-atomic", "3.3", "原子递增 span.freeIndex",
          "The fast path atomically increments span.freeIndex and returns the pointer.",
          "wrong",
          "nextFreeFast finds the slot with a count of trailing zeros in allocCache and updates "
          "freeindex with plain stores: no atomic is needed, because the mcache and its spans "
          "belong to the running P.",
          "allocator"),
    Claim("pool-throughput-table", "3.3", "| 标准 new() | 2.1M | 89 |",
          "Table (10M samples, 4 cores): plain new() 2.1M ops/s with 89 ms of GC pauses; "
          "sync.Pool + mcache 5.7M ops/s with 12 ms.",
          "holds roughly",
          "Pooling the sample's objects removes every allocation (0 allocs/op against 3) and makes "
          "each sample faster (chapter 3.3 measures by how much); the exact figures depend on the "
          "machine. With no "
          "allocation the pooled run triggers no GC at all, and the mcache is used by both rows.",
          "allocator"),
    # ---- 4: deployment --------------------------------------------------------------------------
    Claim("no-base-image", "4.1", "彻底消除 /bin/sh、curl 等基础镜像层依赖",
          "A single static binary removes any need for the base image's /bin/sh, curl and the like.",
          "holds",
          "The service's ELF file has no interpreter and no needed libraries, and it answers 200 from "
          "a root directory that holds nothing but itself. Data files are another matter: TLS roots "
          "and time zones are read from the disk unless they are embedded (time/tzdata).",
          "single-binary"),
    Claim("scratch-table", "4.1", "87 MB | 1.24 s |",
          "Table: alpine:3.19 + Go binary is 87 MB and starts in 1.24 s; scratch + static binary is "
          "14.3 MB and starts in 0.38 s.",
          "cannot be checked here",
          "There is no container engine here, and the article names neither its program nor how it "
          "timed a start. Chapter 4.1 shows the binary's size and the files a scratch image would "
          "hold, and times exec to first 200 of a real HTTP service beside the article's figures.",
          "single-binary"),
    Claim("exec-form-62", "4.1", "实测降低 init 容器初始化耗时 62%",
          "Starting the binary directly (ENTRYPOINT exec form) instead of through sh -c cut the init "
          "container's start-up time by 62%.",
          "cannot be checked here",
          "A shell in front of the binary adds the start of one more program (chapter 4.1 times "
          "it); what share of an init container's start that is depends on everything else "
          "the container does. In a scratch image there is no /bin/sh at all, so the exec form is "
          "not an optimisation but the only form that works.",
          "single-binary"),
    Claim("upx-83", "4.1", "体积↓83% → 启动I/O↓71%",
          "Compressing the binary with UPX cuts its size by 83% and start-up I/O by 71%.",
          "cannot be checked here",
          "UPX is not part of this course's toolchain. A UPX-packed binary must decompress itself "
          "into memory at every start, trading disk I/O for CPU time and for memory that can no "
          "longer be shared between processes; the article shows no start-up measurement.",
          "single-binary"),
    Claim("fmt-cgo", "4.2", "避免CGO调用(如fmt.Println)",
          "fmt.Println is a cgo call to be avoided.",
          "wrong",
          "fmt is pure Go: even with cgo enabled, go list -deps fmt contains no runtime/cgo. In the "
          "article's own server it is net (its C resolver), pulled in by net/http, that links cgo "
          "when cgo is on.",
          "cgo"),
    Claim("fmt-log-cgo", "4.2", "该实现规避fmt/log等隐式CGO路径",
          "The example avoids the hidden cgo paths of fmt and log.",
          "wrong",
          "Neither fmt nor log has a cgo path (go list -deps shows no runtime/cgo for them with cgo "
          "on). What decides static or dynamic linking is cgo being enabled for net and os/user.",
          "cgo"),
    Claim("getenv-pure-go", "4.2", "os.Getenv为纯Go实现",
          "os.Getenv is implemented in pure Go.",
          "holds",
          "syscall.Getenv looks the name up in the runtime's copy of the environment; os links no "
          "runtime/cgo even with cgo enabled. (With cgo, os.Setenv also tells C's environment.)",
          "cgo"),
    Claim("cgo-size-dynamic", "4.2", "CGO启用会显著增加二进制体积与动态链接依赖",
          "Enabling cgo significantly increases binary size and dynamic-link dependencies.",
          "misleading",
          "The dependency part holds: with cgo the same HTTP server needs the dynamic loader and "
          "libc, and no longer starts in an empty root. The size part does not: the binary grows by "
          "about one percent.",
          "cgo"),
    Claim("cold-start-table", "4.2", "| net/http (CGO=0) | 83 | 112 | 9.2 MB |",
          "Table: cold start to the first 200 on an ARM64 edge node: net/http (CGO=0) P50 83 ms, "
          "P90 112 ms, 9.2 MB; nginx+Lua 147 ms, 236 ms, 24.8 MB.",
          "cannot be checked here",
          "nginx and Lua are not part of this course, and the machine differs. time -p times a "
          "process until it exits, which a server does not do; chapter 4.2 times exec to first 200 "
          "directly, cgo off and on; cgo adds the dynamic loader's work.",
          "cgo"),
    Claim("us-to-handler", "4.2", "微秒级跳转至handler",
          "A pure Go server reaches its handler within microseconds of starting.",
          "misleading",
          "Loading a static binary is quick, but runtime start-up, opening the socket and serving "
          "the first request all come before the handler's answer; chapter 4.2 times them together, "
          "from exec to the first 200.",
          "cgo"),
    Claim("gcflags-l-reflection", "4.3", "-gcflags=-l 的精准生效路径",
          "-gcflags=-l trims reflection metadata and shrinks the binary.",
          "wrong",
          "-l disables inlining, nothing else. It does not remove type information (the type: "
          "symbols stay); on chapter 4.3's JSON program it changes the size by bytes (main package "
          "only) or shrinks it by under a tenth while calls get slower (all=-l); -ldflags='-s -w' "
          "is what removes a third.",
          "binary-size"),
    Claim("linkname-example", "4.3", "//go:linkname unsafeJSONUnmarshal encoding/json.unmarshal",
          "//go:linkname lets a service call encoding/json's internal unmarshal directly.",
          "wrong",
          "The example's function has a body that calls itself, so it could only recurse forever; "
          "and with the pinned toolchain even a correct, bodyless declaration does not link "
          "(chapter 4.3 shows the linker's message).",
          "binary-size"),
    Claim("plugin-vs-nocgo", "4.4", "Go Plugin 机制通过 plugin.Open() 加载预编译的 .so 文件",
          "Go plugins, loaded with plugin.Open(), replace dynamic linking for hot updates.",
          "misleading",
          "The plugin package needs cgo and the identical toolchain and dependency versions for "
          "host and plugin, which contradicts the CGO-disabled deployment of section 4.2. A "
          "plugin cannot be closed (the package documentation says so), so every update stays "
          "in memory for the life of the process.",
          "plugins"),
    Claim("plugin-sandbox", "4.4", "禁止访问os,net,unsafe等敏感包",
          "Tenant plugins are kept from using sensitive packages such as os, net and unsafe, and "
          "isolated by running in their own goroutine with a context timeout.",
          "wrong",
          "Go has no way to restrict what a plugin imports: it runs in the host's address space "
          "with the host's rights (the tenant plugin of chapter 4.4 links os, syscall and unsafe "
          "through fmt and encoding/json). A goroutine is not a sandbox and a context is only a "
          "request to stop; isolation needs a separate process or a WebAssembly runtime.",
          "plugins"),
    Claim("plugin-example", "4.4", 'import "plugin"',
          "The example plugin source (plugin/main.go) builds into plugin.so.",
          "wrong",
          "It imports plugin, which it never uses, and uses context without importing it: the Go "
          "compiler rejects both (chapter 4.4 builds it and shows the errors).",
          "plugins"),
    # ---- 5: the conclusion ---------------------------------------------------------------------
    Claim("conclusion-k8s", "5", "基于 Kubernetes 的微服务灰度发布系统全链路搭建",
          "The article concludes with a Kubernetes canary-release system and its business figures.",
          "cannot be checked here",
          "The conclusion describes a system the earlier chapters never built; its figures cannot "
          "be traced to any measurement.",
          "claims"),
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


def where_shown(manifest=None) -> dict[str, tuple[str, str]]:
    """claim id -> (notebook path, evidence): where a chapter calls ``claims.show(id)``, and the
    last lines printed by the code cell before it (the cell whose output decides the claim)."""
    import json

    from whygo.book import load_manifest
    manifest = manifest or load_manifest()
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
                found.setdefault(claim_id, (entry.notebook, previous_output))
            if not _SHOW.search(source):
                previous_output = _output_text(cell.get("outputs", []))
    return found


def _output_text(outputs: list) -> str:
    # A line printed in pieces may be split over several stream outputs: join them first.
    text = ""
    for out in outputs:
        if out.get("output_type") == "stream" and out.get("name") == "stdout":
            text += "".join(out["text"])
        elif out.get("output_type") in ("execute_result", "display_data"):
            text += "\n" + "".join(out.get("data", {}).get("text/plain", "")) + "\n"
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return " / ".join(lines[-2:])[:160]


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


def verdict_counts() -> dict[str, int]:
    return {v: sum(c.verdict == v for c in CLAIMS) for v in VERDICTS}


def refresh_summary(path=None) -> None:
    """Rewrite chapter 5's generated table cell from CLAIMS (run after editing the registry)."""
    from whygo.book import ROOT
    from whygo.generated import refresh
    refresh(path or ROOT / "notebooks" / "05-claims-checked.ipynb", SUMMARY_WRITER, summary_markdown())
