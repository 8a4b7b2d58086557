package scenario

import (
	"os"
	"path/filepath"
	"testing"
)

func TestSpinIsDeterministic(t *testing.T) {
	if Spin(7, 1000) != Spin(7, 1000) {
		t.Fatal("Spin gave two answers for the same input")
	}
	if Spin(7, 1000) == Spin(7, 1001) {
		t.Fatal("Spin ignored n")
	}
}

func TestStartTraceWritesAFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.trace")
	stop, err := StartTrace(path)
	if err != nil {
		t.Fatal(err)
	}
	Spin(1, 10000)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil || info.Size() == 0 {
		t.Fatalf("trace file missing or empty: %v %v", info, err)
	}
}

func TestStartTraceEmptyPathIsANoOp(t *testing.T) {
	stop, err := StartTrace("")
	if err != nil || stop() != nil {
		t.Fatal("empty path should mean no trace")
	}
}
