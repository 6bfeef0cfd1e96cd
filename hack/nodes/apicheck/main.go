// Command apicheck is what hack/nodes.sh runs in its check Pods: it reaches the API server the way
// an in-cluster client does ($KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT, the mounted
// ServiceAccount token and CA, the serving certificate verified), asks who it is (a
// SelfSubjectReview) and prints the user name. It retries for a while: kube-proxy may still be
// writing the Service's rules when the Pod starts. Exit status 0 only on an answer.
package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"
)

const saDir = "/var/run/secrets/kubernetes.io/serviceaccount"

func main() {
	host, port := os.Getenv("KUBERNETES_SERVICE_HOST"), os.Getenv("KUBERNETES_SERVICE_PORT")
	if host == "" || port == "" {
		fail("KUBERNETES_SERVICE_HOST/PORT not set")
	}
	token, err := os.ReadFile(saDir + "/token")
	if err != nil {
		fail("no token: %v", err)
	}
	caPEM, err := os.ReadFile(saDir + "/ca.crt")
	if err != nil {
		fail("no ca.crt: %v", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		fail("ca.crt holds no certificate")
	}
	client := &http.Client{Timeout: 5 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	url := "https://" + net.JoinHostPort(host, port) + "/apis/authentication.k8s.io/v1/selfsubjectreviews"
	body := []byte(`{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}`)
	deadline := time.Now().Add(30 * time.Second)
	for {
		user, err := review(client, url, string(token), body)
		if err == nil {
			fmt.Printf("reached %s as %s\n", net.JoinHostPort(host, port), user)
			return
		}
		if time.Now().After(deadline) {
			fail("%s: %v", url, err)
		}
		fmt.Fprintf(os.Stderr, "retrying: %v\n", err)
		time.Sleep(time.Second)
	}
}

func review(client *http.Client, url, token string, body []byte) (string, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("HTTP %d: %s", resp.StatusCode, data)
	}
	var r struct {
		Status struct {
			UserInfo struct {
				Username string `json:"username"`
			} `json:"userInfo"`
		} `json:"status"`
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return "", err
	}
	return r.Status.UserInfo.Username, nil
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "apicheck: "+format+"\n", args...)
	os.Exit(1)
}
