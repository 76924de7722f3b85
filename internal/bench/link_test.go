package bench

import (
	"bytes"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// echoServer answers every connection with what it reads.
func echoServer(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_, _ = io.Copy(c, c)
			}()
		}
	}()
	return l.Addr().String()
}

// TestSlowLinkHoldsEachChunk: a round trip through the link takes at least
// its delay each way and carries the bytes unchanged, and chunks sent one
// after another overlap in flight: ten of them, 20 ms apart, arrive in
// about one round trip after the last, not in ten.
func TestSlowLinkHoldsEachChunk(t *testing.T) {
	const delay = 100 * time.Millisecond
	link, err := startSlowLink(echoServer(t), delay)
	if err != nil {
		t.Fatal(err)
	}
	defer link.close()
	c, err := net.Dial("tcp", link.addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	start := time.Now()
	if _, err := c.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 4)
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatal(err)
	}
	if rtt := time.Since(start); rtt < 2*delay || string(got) != "ping" {
		t.Fatalf("round trip %v (want at least %v), %q", rtt, 2*delay, got)
	}

	start = time.Now()
	var sent bytes.Buffer
	go func() {
		for i := range 10 {
			chunk := bytes.Repeat([]byte{byte('a' + i)}, 1000)
			sent.Write(chunk)
			_, _ = c.Write(chunk)
			time.Sleep(20 * time.Millisecond)
		}
	}()
	echoed := make([]byte, 10*1000)
	if _, err := io.ReadFull(c, echoed); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	if !bytes.Equal(echoed, sent.Bytes()) {
		t.Error("the chunks came back changed or out of order")
	}
	// Ten chunks held one after another would take 10 × 200 ms.
	if took < 2*delay || took > 10*delay {
		t.Errorf("ten pipelined chunks took %v: not held %v each way while overlapping", took, delay)
	}
}

// TestSlowLinkPassesHalfClose: a client that closes its write side gets
// the rest of the answer and then the end of the stream, as over TCP.
func TestSlowLinkPassesHalfClose(t *testing.T) {
	link, err := startSlowLink(echoServer(t), 10*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer link.close()
	c, err := net.Dial("tcp", link.addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("last words")); err != nil {
		t.Fatal(err)
	}
	if err := c.(*net.TCPConn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(c)
	if err != nil || string(got) != "last words" {
		t.Errorf("read %q, %v", got, err)
	}
}

// TestWatchPeaksFindsPlugins: the watch finds the children of the watched
// process whose executable is in the bin directory and reports their peak
// resident set and the parent's.
func TestWatchPeaksFindsPlugins(t *testing.T) {
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip(err)
	}
	cmd := exec.Command("sh", "-c", sleep+" 30 & wait")
	if err := cmd.Start(); err != nil {
		t.Skip(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc")
	}
	// /proc/<pid>/exe names the executable with its links resolved.
	resolved, err := filepath.EvalSymlinks(sleep)
	if err != nil {
		t.Fatal(err)
	}
	binDir := filepath.Dir(resolved)
	w := &peakWatch{root: cmd.Process.Pid, binDir: binDir}
	deadline := time.Now().Add(10 * time.Second)
	var plugins []int
	for len(plugins) == 0 && time.Now().Before(deadline) {
		plugins = w.pluginsOf(cmd.Process.Pid)
		time.Sleep(10 * time.Millisecond)
	}
	if len(plugins) != 1 {
		t.Fatalf("found %v among the children of %d", plugins, cmd.Process.Pid)
	}
	watch := watchPeaks(cmd.Process.Pid, binDir)
	time.Sleep(3 * peakPollInterval * peakSearchEvery)
	parent, plugin := watch.stop()
	if parent <= 0 || plugin <= 0 || plugin != peakRSS(plugins[0]) {
		t.Errorf("peaks: shell %d, sleep %d (its VmHWM %d)", parent, plugin, peakRSS(plugins[0]))
	}
}

// TestVMHWM reads the high-water mark of a /proc status file.
func TestVMHWM(t *testing.T) {
	status := "Name:\tterraform-provider-arbor\nVmPeak:\t 2000000 kB\nVmHWM:\t  123456 kB\nVmRSS:\t  100000 kB\n"
	if got := vmHWM(status); got != 123456<<10 {
		t.Errorf("VmHWM %d", got)
	}
	if vmHWM("Name:\tzombie\n") != 0 {
		t.Error("a process without memory has a peak")
	}
}
