// Command kfake starts franz-go's in-memory Kafka-protocol broker on one port, for dbarch's tests and benches.
// Usage: kfake -port 9092 [-partitions 1]
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/twmb/franz-go/pkg/kfake"
)

func main() {
	port := flag.Int("port", 9092, "listen port on 127.0.0.1")
	partitions := flag.Int("partitions", 1, "partitions of auto-created topics")
	flag.Parse()
	cluster, err := kfake.NewCluster(
		kfake.Ports(*port),
		kfake.DefaultNumPartitions(*partitions),
		kfake.AllowAutoTopicCreation(),
	)
	if err != nil {
		fmt.Fprintln(os.Stderr, "kfake:", err)
		os.Exit(1)
	}
	// The harness waits for this line before connecting.
	fmt.Printf("kfake listening on 127.0.0.1:%d\n", *port)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
	cluster.Close()
}
