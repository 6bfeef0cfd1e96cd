// Command egress is the API server's way into the lab for hack/nodes.sh: an HTTP CONNECT proxy on a
// Unix socket (the API server's egress selector, proxyProtocol HTTPConnect over UDS), run inside a lab
// namespace, so `kubectl logs/exec/port-forward` reach the kubelets and the API server reaches
// webhooks and Pods, although the API server itself listens on the host's loopback.
//
// Usage: egress <unix socket path>
package main

import (
	"bufio"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"time"
)

func main() {
	if len(os.Args) != 2 {
		log.Fatal("usage: egress <unix socket path>")
	}
	path := os.Args[1]
	_ = os.Remove(path)
	ln, err := net.Listen("unix", path)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		log.Fatal(err)
	}
	for {
		conn, err := ln.Accept()
		if err != nil {
			log.Fatal(err)
		}
		go serve(conn)
	}
}

// serve answers one CONNECT and then copies bytes both ways until either side closes.
func serve(client net.Conn) {
	defer client.Close()
	reader := bufio.NewReader(client)
	req, err := http.ReadRequest(reader)
	if err != nil {
		log.Printf("bad request: %v", err)
		return
	}
	if req.Method != http.MethodConnect {
		fmt.Fprintf(client, "HTTP/1.1 405 Method Not Allowed\r\n\r\n")
		return
	}
	target, err := net.DialTimeout("tcp", req.Host, 10*time.Second)
	if err != nil {
		log.Printf("CONNECT %s: %v", req.Host, err)
		fmt.Fprintf(client, "HTTP/1.1 502 Bad Gateway\r\n\r\n")
		return
	}
	defer target.Close()
	if _, err := fmt.Fprintf(client, "HTTP/1.1 200 Connection established\r\n\r\n"); err != nil {
		return
	}
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(target, reader); closeWrite(target); done <- struct{}{} }()
	go func() { _, _ = io.Copy(client, target); closeWrite(client); done <- struct{}{} }()
	<-done
	<-done
}

func closeWrite(c net.Conn) {
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
	}
}
