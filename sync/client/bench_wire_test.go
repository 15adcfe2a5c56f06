package client_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/textproto"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"fieldreg/exchange"
	"fieldreg/hq"
	"fieldreg/registry"
	"fieldreg/store"
	"fieldreg/sync/client"
	"fieldreg/sync/pki"
)

// countingListener counts every byte its connections carry, TLS records and
// handshakes included: what a metered link would bill.
type countingListener struct {
	net.Listener
	in, out atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: c, l: l}, nil
}

func (l *countingListener) total() int64 { return l.in.Load() + l.out.Load() }

type countingConn struct {
	net.Conn
	l *countingListener
}

func (c *countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.l.in.Add(int64(n))
	return n, err
}

func (c *countingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.l.out.Add(int64(n))
	return n, err
}

func countingLoopback(b *testing.B) *countingListener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	return &countingListener{Listener: ln}
}

// realisticHousehold is a household of six with the fields a registration
// team fills in, values of realistic length.
func realisticHousehold(i int) []store.Edit {
	h := registry.NewID()
	edits := []store.Edit{{Record: h, Kind: registry.KindHousehold, Set: map[string]string{
		"site": "camp_north", "admin1": "Centre-Nord", "admin2": "Sanmatenga", "gps": fmt.Sprintf("13.%04d -1.%04d 312 4.5", i%9999, (i*7)%9999),
		"shelter_type": "tent", "phone": fmt.Sprintf("+226 70 %02d %02d %02d", i%100, (i/100)%100, (i*3)%100),
		"displacement_date": "2024-02-11", "origin": "Djibo", "consent": "true", "consent_by": "Aminata Ouedraogo",
		"consent_date": "2024-03-01", "status": "active",
	}}}
	people := []struct{ rel, sex string }{
		{"head", "female"}, {"spouse", "male"}, {"child", "female"}, {"child", "male"}, {"child", "female"}, {"parent", "female"},
	}
	family := familyNames[i%len(familyNames)]
	for j, p := range people {
		given := givenNames[(i*7+j*3)%len(givenNames)]
		birth := fmt.Sprintf("%04d-%02d-%02d", 1950+(i*13+j*17)%70, 1+(i+j)%12, 1+(i*3+j)%28)
		set := map[string]string{"household_id": h.String(), "relationship": p.rel, "given_name": given,
			"family_name": family, "sex": p.sex, "birth_date": birth, "nationality": "BF", "languages": "mos fr"}
		if j < 2 {
			set["document_type"] = "national_id"
			set["document_number"] = fmt.Sprintf("B%07d", i*10+j)
		}
		if j == 5 {
			set["specific_needs"] = "older_person_at_risk serious_medical_condition"
		}
		edits = append(edits, store.Edit{Record: registry.NewID(), Kind: registry.KindPerson, Set: set})
	}
	return edits
}

// Names vary between households as they do in a camp, so that neither our
// format nor the baselines compress one household against its copy.
var (
	givenNames = []string{"Aminata", "Issouf", "Mariam", "Boukary", "Fatimata", "Salamata", "Adama", "Rasmané",
		"Awa", "Hamidou", "Zénabo", "Oumarou", "Kadidiatou", "Souleymane", "Rakiéta", "Idrissa", "Bibata", "Moussa",
		"Haoua", "Abdoulaye", "Safiatou", "Lassané", "Pélagie", "Inoussa"}
	familyNames = []string{"Ouedraogo", "Sawadogo", "Compaoré", "Kaboré", "Zongo", "Traoré", "Diallo", "Ilboudo",
		"Kinda", "Nikiéma", "Tiendrébéogo", "Belem", "Sankara", "Yaméogo", "Barry", "Sana", "Guiro", "Dicko"}
)

func registerRealistic(b *testing.B, w *store.Workspace, n int) {
	for i := range n {
		if _, err := w.Commit(realisticHousehold(i)...); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWireBytesPerHousehold compares, on the same 200 households of 6
// in the same run, the bytes on a loopback TLS connection of: Fieldreg's
// first sync; ODK Collect-style OpenRosa submissions (HEAD, then a
// multipart POST with xml_submission_file, per household); and one gzip'd
// JSON array per batch in one POST. It then measures a one-field edit of
// each household, amortized in one sync.
func BenchmarkWireBytesPerHousehold(b *testing.B) {
	const n = 200
	for b.Loop() {
		ctx := context.Background()
		s := newHQ(b, nil, nil)
		ln := countingLoopback(b)
		serveOn(b, s, ln)
		w := newDevice(b, "enumerator", nil)
		code, err := s.NewEnrollment(ctx, hq.Enrollment{Name: "bench", Sites: []string{hq.AllSites}, Addr: ln.Addr().String()})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := client.Enroll(ctx, w, code.String()); err != nil {
			b.Fatal(err)
		}
		enrollBytes := ln.total()
		registerRealistic(b, w, n)
		c, err := client.New(client.Config{Workspace: w})
		if err != nil {
			b.Fatal(err)
		}
		sum, err := c.Sync(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		ours := float64(ln.total()-enrollBytes) / n
		b.Logf("first sync: %d body bytes up, %d down; %d on the wire", sum.BytesSent, sum.BytesReceived, ln.total()-enrollBytes)

		// The same records, read back from the device, for the baselines.
		var households []exchange.Household
		for _, id := range w.IDs(registry.KindHousehold) {
			h, _ := w.Get(id)
			var members []registry.Record
			for _, m := range w.Members(id) {
				r, _ := w.Get(m)
				members = append(members, r)
			}
			households = append(households, exchange.FromRecords(h, members, nil))
		}
		odk := float64(odkBytes(b, households)) / n
		jsonGzip := float64(jsonGzipBytes(b, households)) / n

		// One field of every household edited, sent in one sync.
		before := ln.total()
		for i, id := range w.IDs(registry.KindHousehold) {
			if _, err := w.Commit(store.Edit{Record: id, Kind: registry.KindHousehold, Set: map[string]string{"status": []string{"moved", "returned"}[i%2]}}); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := c.Sync(ctx, nil); err != nil {
			b.Fatal(err)
		}
		edit := float64(ln.total()-before) / n

		b.ReportMetric(ours, "B/household")
		b.ReportMetric(odk, "odk-B/household")
		b.ReportMetric(jsonGzip, "jsongz-B/household")
		b.ReportMetric(ours/odk*100, "%-of-odk")
		b.ReportMetric(ours/jsonGzip*100, "%-of-jsongz")
		b.ReportMetric(edit, "B/edit")
	}
}

func serveOn(b testing.TB, s *hq.Server, ln net.Listener) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Serve(ctx, ln); close(done) }()
	b.Cleanup(func() { cancel(); <-done })
}

// baselineServer serves h over TLS (an HQ-style certificate) on a counting
// loopback listener and returns a client on one kept-alive connection.
func baselineServer(b *testing.B, h http.Handler) (*countingListener, *http.Client, string) {
	ca, err := pki.NewCA("baseline", time.Now())
	if err != nil {
		b.Fatal(err)
	}
	cert, err := ca.ServerCert([]string{"127.0.0.1"}, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	ln := countingLoopback(b)
	srv := &http.Server{Handler: h, TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS13}}
	go srv.Serve(tls.NewListener(ln, srv.TLSConfig))
	b.Cleanup(func() { srv.Close() })
	hc := &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: ca.Pool(), MinVersion: tls.VersionTLS13}, MaxIdleConnsPerHost: 1,
		DisableCompression: true,
	}}
	return ln, hc, "https://" + ln.Addr().String()
}

// odkBytes sends each household as ODK Collect does under the OpenRosa
// submission API and returns the bytes on the wire.
func odkBytes(b *testing.B, hh []exchange.Household) int64 {
	openRosa := func(w http.ResponseWriter) {
		w.Header().Set("X-OpenRosa-Version", "1.0")
		w.Header().Set("X-OpenRosa-Accept-Content-Length", "10485760")
		w.Header().Set("Location", "https://hq.example.org/v1/key/abc/projects/1/submission")
	}
	ln, hc, base := baselineServer(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		openRosa(w)
		if r.Method == http.MethodHead {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `<OpenRosaResponse xmlns="http://openrosa.org/http/response" items="0"><message nature="submit_success">Well done! You have successfully submitted one record.</message></OpenRosaResponse>`)
	}))
	headers := func(req *http.Request) {
		req.Header.Set("X-OpenRosa-Version", "1.0")
		req.Header.Set("User-Agent", "org.odk.collect.android/v2024.2.4 Dalvik/2.1.0 (Linux; U; Android 11; SM-T505 Build/RP1A.200720.012)")
		req.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
		req.Header.Set("Authorization", "Basic ZW51bWVyYXRvcjA3QGV4YW1wbGUub3JnOmNvcnJlY3Rob3JzZQ==")
	}
	url := base + "/v1/key/abc/projects/1/submission"
	for _, h := range hh {
		req, _ := http.NewRequest(http.MethodHead, url, nil)
		headers(req)
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		part, _ := mw.CreatePart(textproto.MIMEHeader{
			"Content-Disposition": {`form-data; name="xml_submission_file"; filename="submission.xml"`},
			"Content-Type":        {"text/xml"},
		})
		part.Write(odkInstance(h))
		mw.Close()
		req, _ = http.NewRequest(http.MethodPost, url, &body)
		headers(req)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		resp, err = hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	hc.CloseIdleConnections()
	return ln.total()
}

// odkInstance is a household as an XForm instance: one element per field,
// members in a repeat group, and the meta block ODK adds.
func odkInstance(h exchange.Household) []byte {
	var x bytes.Buffer
	x.WriteString(`<?xml version='1.0' ?><data id="household_registration" version="2024030101" xmlns:jr="http://openrosa.org/javarosa" xmlns:orx="http://openrosa.org/xforms">`)
	fields := func(f map[string]string) {
		for _, k := range slices.Sorted(mapKeys(f)) {
			fmt.Fprintf(&x, "<%s>%s</%s>", k, html.EscapeString(f[k]), k)
		}
	}
	x.WriteString("<household>")
	fields(h.Fields)
	x.WriteString("</household>")
	for _, m := range h.Members {
		x.WriteString("<member>")
		fields(m.Fields)
		fmt.Fprintf(&x, "<person_id>%s</person_id></member>", m.ID)
	}
	fmt.Fprintf(&x, `<meta><instanceID>uuid:%s</instanceID><orx:instanceName>%s</orx:instanceName></meta></data>`, h.ID, h.ID)
	return x.Bytes()
}

func mapKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// jsonGzipBytes posts all households as one gzip'd JSON array (the
// export's shape) and returns the bytes on the wire.
func jsonGzipBytes(b *testing.B, hh []exchange.Household) int64 {
	ln, hc, base := baselineServer(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"accepted":`+fmt.Sprint(len(hh))+`}`)
	}))
	var body bytes.Buffer
	gz, _ := gzip.NewWriterLevel(&body, gzip.BestCompression)
	if err := json.NewEncoder(gz).Encode(hh); err != nil {
		b.Fatal(err)
	}
	gz.Close()
	req, _ := http.NewRequest(http.MethodPost, base+"/api/households", &body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Content-Encoding", "gzip")
	resp, err := hc.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	hc.CloseIdleConnections()
	return ln.total()
}
