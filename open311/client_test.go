package open311_test

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"linli/storage"
	"linli/storage/storagetest"
)

// georeportClient is written the way a third-party Open311 client is: it
// knows the standard, not Linli — an endpoint, a jurisdiction and a key;
// plain net/http, form-encoded POSTs, XML read with encoding/xml into its
// own types.
type georeportClient struct {
	endpoint     string
	jurisdiction string
	apiKey       string
	http         *http.Client
}

type clientService struct {
	Code     string `xml:"service_code"`
	Name     string `xml:"service_name"`
	Metadata bool   `xml:"metadata"`
	Type     string `xml:"type"`
}

type clientAttribute struct {
	Code     string `xml:"code"`
	Datatype string `xml:"datatype"`
	Required bool   `xml:"required"`
	Order    int    `xml:"order"`
}

type clientRequest struct {
	ID        string  `xml:"service_request_id"`
	Token     string  `xml:"token"`
	Status    string  `xml:"status"`
	Service   string  `xml:"service_code"`
	Address   string  `xml:"address"`
	Lat       float64 `xml:"lat"`
	Long      float64 `xml:"long"`
	Notice    string  `xml:"service_notice"`
	Requested string  `xml:"requested_datetime"`
}

type clientError struct {
	Code        int    `xml:"code"`
	Description string `xml:"description"`
}

func (c *georeportClient) do(req *http.Request, into any) error {
	res, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/xml") {
		return fmt.Errorf("content type %q", res.Header.Get("Content-Type"))
	}
	if res.StatusCode != http.StatusOK {
		var e struct {
			Errors []clientError `xml:"error"`
		}
		if err := xml.Unmarshal(body, &e); err != nil || len(e.Errors) == 0 {
			return fmt.Errorf("%d without an error list: %s", res.StatusCode, body)
		}
		return fmt.Errorf("%d: %s", e.Errors[0].Code, e.Errors[0].Description)
	}
	return xml.Unmarshal(body, into)
}

func (c *georeportClient) get(path string, q url.Values, into any) error {
	q.Set("jurisdiction_id", c.jurisdiction)
	req, err := http.NewRequest("GET", c.endpoint+path+"?"+q.Encode(), nil)
	if err != nil {
		return err
	}
	return c.do(req, into)
}

func (c *georeportClient) Services() ([]clientService, error) {
	var doc struct {
		Services []clientService `xml:"service"`
	}
	return doc.Services, c.get("/services.xml", url.Values{}, &doc)
}

func (c *georeportClient) Definition(code string) ([]clientAttribute, error) {
	var doc struct {
		Code       string            `xml:"service_code"`
		Attributes []clientAttribute `xml:"attributes>attribute"`
	}
	return doc.Attributes, c.get("/services/"+url.PathEscape(code)+".xml", url.Values{}, &doc)
}

func (c *georeportClient) Create(code string, lat, long float64, description string, attrs map[string]string) (clientRequest, error) {
	form := url.Values{"api_key": {c.apiKey}, "jurisdiction_id": {c.jurisdiction}, "service_code": {code},
		"lat": {fmt.Sprint(lat)}, "long": {fmt.Sprint(long)}, "description": {description}}
	for k, v := range attrs {
		form.Set("attribute["+k+"]", v)
	}
	req, err := http.NewRequest("POST", c.endpoint+"/requests.xml", strings.NewReader(form.Encode()))
	if err != nil {
		return clientRequest{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var doc struct {
		Requests []clientRequest `xml:"request"`
	}
	if err := c.do(req, &doc); err != nil {
		return clientRequest{}, err
	}
	if len(doc.Requests) != 1 {
		return clientRequest{}, fmt.Errorf("%d requests in the answer", len(doc.Requests))
	}
	return doc.Requests[0], nil
}

func (c *georeportClient) Request(id string) (clientRequest, error) {
	var doc struct {
		Requests []clientRequest `xml:"request"`
	}
	if err := c.get("/requests/"+url.PathEscape(id)+".xml", url.Values{}, &doc); err != nil {
		return clientRequest{}, err
	}
	return doc.Requests[0], nil
}

// The round trip of an outside client: list the services, read one's
// definition, report with its attributes, follow the request.
func TestThirdPartyClientRoundTrip(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		c := &georeportClient{endpoint: f.srv.URL + "/open311/v2", jurisdiction: codeXueyuan, apiKey: f.hotline.APIKey, http: &http.Client{}}
		services, err := c.Services()
		if err != nil || len(services) < 10 {
			t.Fatalf("services: %v %d", err, len(services))
		}
		var leak clientService
		for _, s := range services {
			if s.Name == "漏水渗水" {
				leak = s
			}
		}
		if leak.Code == "" || !leak.Metadata || leak.Type != "realtime" {
			t.Fatalf("the leak service: %+v", leak)
		}
		attrs, err := c.Definition(leak.Code)
		if err != nil || len(attrs) != 2 || attrs[0].Code != "room" || attrs[1].Code != "photo" {
			t.Fatalf("definition: %v %+v", err, attrs)
		}
		created, err := c.Create(leak.Code, 35.0275, 111.0065, "三楼楼道顶棚滴水", map[string]string{"room": "1号楼3单元"})
		if err != nil || created.ID == "" || created.Token != "" {
			t.Fatalf("create: %v %+v", err, created)
		}
		got, err := c.Request(created.ID)
		if err != nil || got.ID != created.ID || got.Status != "open" || got.Service != leak.Code || got.Lat != 35.0275 || got.Long != 111.0065 ||
			got.Address != "学苑社区 第一网格" || got.Requested != "2026-12-06T10:00:00+08:00" {
			t.Fatalf("request: %v %+v", err, got)
		}
		// What the client sent reached the case the staff work on.
		var desc, source string
		if err := db.QueryRow(f.ctx, `SELECT description, source FROM cases WHERE number = ?`, created.ID).Scan(&desc, &source); err != nil {
			t.Fatal(err)
		}
		if source != "open311" || !strings.Contains(desc, "三楼楼道顶棚滴水") || !strings.Contains(desc, "1号楼3单元") {
			t.Fatalf("case: %s %q", source, desc)
		}
		// The client reads the standard's errors too.
		if _, err := c.Definition("no_such"); err == nil || !strings.HasPrefix(err.Error(), "404: ") {
			t.Fatalf("unknown service: %v", err)
		}
		c.apiKey = "o311_wrong"
		if _, err := c.Create(leak.Code, 35.0275, 111.0065, "x", nil); err == nil || !strings.HasPrefix(err.Error(), "403: ") {
			t.Fatalf("bad key: %v", err)
		}
	})
}
