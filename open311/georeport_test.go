package open311_test

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"linli/storage"
	"linli/storage/storagetest"
)

const xmlHead = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

// The pairs of request and response GeoReport v2's examples show — the
// discovery document, a service definition, a POST answered with the
// request's id, a GET of requests and of one request, an error — written
// for Linli's demo world, in both formats, compared whole.
func TestSpecExamples(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		key := f.hotline.APIKey
		j := "?jurisdiction_id=" + codeXueyuan
		type pair struct {
			name   string
			method string
			path   string
			form   url.Values
			status int
			want   string // the whole body, or its beginning when prefix
			prefix bool
		}
		base := f.srv.URL + "/open311/v2"
		post := url.Values{"api_key": {key}, "jurisdiction_id": {codeXueyuan}, "service_code": {"water_leak"},
			"lat": {inXueyuan[0]}, "long": {inXueyuan[1]}, "address_string": {"学苑路118号 荟萃花园南区"},
			"email": {"wang@example.org"}, "phone": {"13912345678"}, "first_name": {"小明"}, "last_name": {"王"},
			"description": {"楼道顶棚漏水"}, "media_url": {"https://app.example.org/p/1.jpg"}, "attribute[room]": {"1号楼3单元602"}}
		reqXML := `<request><service_request_id>XY-20261206-0001</service_request_id><status>open</status><status_notes>待受理</status_notes>` +
			`<service_name>漏水渗水</service_name><service_code>water_leak</service_code><description></description><agency_responsible></agency_responsible>` +
			`<service_notice>办结时限：5个工作日</service_notice><requested_datetime>2026-12-06T10:00:00+08:00</requested_datetime>` +
			`<updated_datetime>2026-12-06T10:00:00+08:00</updated_datetime><expected_datetime></expected_datetime><address>学苑社区 第一网格</address>` +
			`<address_id></address_id><zipcode></zipcode><lat>35.028</lat><long>111.008</long><media_url></media_url></request>`
		reqJSON := `{"service_request_id":"XY-20261206-0001","status":"open","status_notes":"待受理","service_name":"漏水渗水","service_code":"water_leak",` +
			`"description":"","agency_responsible":"","service_notice":"办结时限：5个工作日","requested_datetime":"2026-12-06T10:00:00+08:00",` +
			`"updated_datetime":"2026-12-06T10:00:00+08:00","expected_datetime":"","address":"学苑社区 第一网格","address_id":"","zipcode":"",` +
			`"lat":35.028,"long":111.008,"media_url":""}`
		def := func(en bool) (string, string) {
			x := `<service_definition><service_code>water_leak</service_code><attributes>` +
				`<attribute><variable>true</variable><code>room</code><datatype>string</datatype><required>false</required>` +
				`<datatype_description>如 1号楼3单元602；或用 address_id 给出邻里的住户编号 household:ID</datatype_description><order>1</order>` +
				`<description>问题所在的住户或房间</description></attribute>` +
				`<attribute><variable>true</variable><code>photo</code><datatype>string</datatype><required>false</required>` +
				`<datatype_description>照片的网址（与 media_url 相同）</datatype_description><order>2</order><description>现场照片</description></attribute>` +
				`</attributes></service_definition>`
			js := `{"service_code":"water_leak","attributes":[` +
				`{"variable":true,"code":"room","datatype":"string","required":false,"datatype_description":"如 1号楼3单元602；或用 address_id 给出邻里的住户编号 household:ID","order":1,"description":"问题所在的住户或房间"},` +
				`{"variable":true,"code":"photo","datatype":"string","required":false,"datatype_description":"照片的网址（与 media_url 相同）","order":2,"description":"现场照片"}]}`
			return x, js
		}
		defX, defJ := def(false)
		pairs := []pair{
			{"discovery", "GET", "/discovery.xml", nil, 200, xmlHead + `<discovery><changeset>2026-12-06T00:00:00+08:00</changeset>` +
				`<contact>联系所在街道或社区 / contact the street office or community</contact>` +
				`<key_service>api_key 由街道或社区工作人员在 /open311/integrators 发放 / api_keys are issued by street or community staff at /open311/integrators</key_service>` +
				`<endpoints><endpoint><specification>http://wiki.open311.org/GeoReport_v2</specification><url>` + base + `</url>` +
				`<changeset>2026-12-06T00:00:00+08:00</changeset><type>production</type><formats><format>text/xml</format><format>application/json</format></formats>` +
				`</endpoint></endpoints></discovery>`, false},
			{"discovery", "GET", "/discovery.json", nil, 200, `{"changeset":"2026-12-06T00:00:00+08:00","contact":"联系所在街道或社区 / contact the street office or community",` +
				`"key_service":"api_key 由街道或社区工作人员在 /open311/integrators 发放 / api_keys are issued by street or community staff at /open311/integrators",` +
				`"endpoints":[{"specification":"http://wiki.open311.org/GeoReport_v2","url":"` + base + `","changeset":"2026-12-06T00:00:00+08:00",` +
				`"type":"production","formats":["text/xml","application/json"]}]}` + "\n", false},
			{"services", "GET", "/services.xml" + j, nil, 200, xmlHead + `<services><service><service_code>water_leak</service_code><service_name>漏水渗水</service_name>` +
				`<description>办结时限：5个工作日</description><metadata>true</metadata><type>realtime</type><keywords>community</keywords><group>社区事务</group></service>`, true},
			{"services", "GET", "/services.json" + j, nil, 200, `[{"service_code":"water_leak","service_name":"漏水渗水","description":"办结时限：5个工作日",` +
				`"metadata":true,"type":"realtime","keywords":"community","group":"社区事务"},`, true},
			{"services in English", "GET", "/services.json" + j + "&locale=en", nil, 200, `[{"service_code":"water_leak","service_name":"Water leak",` +
				`"description":"Resolved within 5 working days","metadata":true,"type":"realtime","keywords":"community","group":"Community matters"},`, true},
			{"definition", "GET", "/services/water_leak.xml" + j, nil, 200, xmlHead + defX, false},
			{"definition", "GET", "/services/water_leak.json" + j, nil, 200, defJ + "\n", false},
			{"create", "POST", "/requests.xml", post, 200, xmlHead + `<service_requests><request><service_request_id>XY-20261206-0001</service_request_id>` +
				`<service_notice>办结时限：5个工作日</service_notice></request></service_requests>`, false},
			{"requests", "GET", "/requests.xml" + j, nil, 200, xmlHead + `<service_requests>` + reqXML + `</service_requests>`, false},
			{"requests", "GET", "/requests.json" + j, nil, 200, `[` + reqJSON + `]` + "\n", false},
			{"one request", "GET", "/requests/XY-20261206-0001.xml" + j, nil, 200, xmlHead + `<service_requests>` + reqXML + `</service_requests>`, false},
			{"one request", "GET", "/requests/XY-20261206-0001.json" + j, nil, 200, `[` + reqJSON + `]` + "\n", false},
			{"create", "POST", "/requests.json", post, 200, `[{"service_request_id":"XY-20261206-0002","service_notice":"办结时限：5个工作日"}]` + "\n", false},
			{"error", "POST", "/requests.xml", url.Values{"api_key": {"o311_wrong"}, "service_code": {"water_leak"}}, 403,
				xmlHead + `<errors><error><code>403</code><description>api_key 无效 / invalid api_key</description></error></errors>`, false},
			{"error", "POST", "/requests.json", url.Values{"api_key": {"o311_wrong"}, "service_code": {"water_leak"}}, 403,
				`[{"code":403,"description":"api_key 无效 / invalid api_key"}]` + "\n", false},
		}
		for _, p := range pairs {
			var status int
			var body string
			if p.method == "POST" {
				status, body = f.post("/open311/v2"+p.path, p.form)
			} else {
				status, body = f.get("/open311/v2" + p.path)
			}
			ok := body == p.want
			if p.prefix {
				ok = strings.HasPrefix(body, p.want)
			}
			if status != p.status || !ok {
				t.Errorf("%s %s %s: %d\n got %s\nwant %s", p.name, p.method, p.path, status, body, p.want)
			}
		}
	})
}

// Content types: text/xml or application/json, in UTF-8.
func TestContentTypes(t *testing.T) {
	f := newFixture(t, storagetest.SQLite(t))
	for path, want := range map[string]string{"/open311/v2/discovery.xml": "text/xml; charset=utf-8", "/open311/v2/discovery.json": "application/json; charset=utf-8",
		"/open311/v2/discovery": "text/xml; charset=utf-8", "/open311/v2/services.json": "application/json; charset=utf-8"} {
		res, err := http.Get(f.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if got := res.Header.Get("Content-Type"); got != want {
			t.Errorf("%s: %s", path, got)
		}
	}
}

// errorsOf reads the standard's error list in either format.
func errorsOf(t *testing.T, format, body string) []struct {
	Code        int    `xml:"code" json:"code"`
	Description string `xml:"description" json:"description"`
} {
	t.Helper()
	var doc struct {
		Errors []struct {
			Code        int    `xml:"code" json:"code"`
			Description string `xml:"description" json:"description"`
		} `xml:"error"`
	}
	var err error
	if format == "json" {
		err = json.Unmarshal([]byte(body), &doc.Errors)
	} else {
		err = xml.Unmarshal([]byte(body), &doc)
	}
	if err != nil || len(doc.Errors) != 1 {
		t.Fatalf("not an error list (%v): %s", err, body)
	}
	return doc.Errors
}

// Every error answers the standard's list with the status as its code:
// 403 for a bad key and for a place outside the integrator's scope (and
// nothing is created), 404 for an unknown service, request, jurisdiction
// or token, 400 for what cannot be read or is missing, 429 past the
// integrator's rate.
func TestErrors(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		key := f.hotline.APIKey
		form := func(kv ...string) url.Values {
			v := url.Values{"api_key": {key}, "service_code": {"water_leak"}, "lat": {inXueyuan[0]}, "long": {inXueyuan[1]}, "description": {"漏水"}}
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i+1] == "" {
					v.Del(kv[i])
				} else {
					v.Set(kv[i], kv[i+1])
				}
			}
			return v
		}
		jx := f.household("jxresident")
		posts := []struct {
			name   string
			form   url.Values
			status int
			says   string
		}{
			{"bad key", form("api_key", "o311_nope"), 403, "invalid api_key"},
			{"no key", form("api_key", ""), 403, "api_key is required"},
			{"point outside the scope", form("lat", inJixiang[0], "long", inJixiang[1]), 403, "outside the integrator's scope"},
			{"household outside the scope", form("lat", "", "long", "", "address_id", "household:"+itoa(jx)), 403, "outside the integrator's scope"},
			{"building outside the scope", form("lat", "", "long", "", "address_id", "building:"+itoa(f.node("吉祥1号楼").ID)), 403, "outside the integrator's scope"},
			{"unknown service", form("service_code", "no_such"), 404, "service_code not found: no_such"},
			{"inactive group as service", form("service_code", "community"), 404, "service_code not found"},
			{"no service code", form("service_code", ""), 400, "service_code is required"},
			{"no location", form("lat", "", "long", ""), 400, "a location is required"},
			{"bad lat", form("lat", "north"), 400, "lat and long must be numbers"},
			{"point in no grid", form("lat", nowhere[0], "long", nowhere[1]), 400, "no grid of Linli contains the point"},
			{"bad address_id", form("lat", "", "long", "", "address_id", "42"), 400, "address_id must be household:ID or building:ID"},
			{"unknown household", form("lat", "", "long", "", "address_id", "household:999999"), 404, "no such household"},
			{"address_string in a street", form("lat", "", "long", "", "address_string", "东城街道某处", "jurisdiction_id", codeDongcheng), 400, "cannot be placed in a street"},
			{"unknown jurisdiction", form("jurisdiction_id", "999999999999"), 404, "no community or street has the division code"},
			{"another jurisdiction", form("jurisdiction_id", codeJixiang), 400, "outside the jurisdiction"},
			{"bad phone", form("phone", "12"), 400, "phone is not a valid mobile number"},
		}
		for _, format := range []string{"xml", "json"} {
			for _, p := range posts {
				status, body := f.post("/open311/v2/requests."+format, p.form)
				errs := errorsOf(t, format, body)
				if status != p.status || errs[0].Code != p.status || !strings.Contains(errs[0].Description, p.says) {
					t.Errorf("%s (%s): %d %s", p.name, format, status, body)
				}
			}
		}
		if n := f.count(`SELECT COUNT(*) FROM cases`); n != 0 {
			t.Fatalf("refused requests created %d cases", n)
		}

		private := f.report("私下反映", false)
		gets := []struct {
			name, path string
			status     int
			says       string
		}{
			{"no jurisdiction", "/services.xml", 400, "jurisdiction_id"},
			{"unknown jurisdiction", "/services.xml?jurisdiction_id=1", 404, "division code 1"},
			{"unknown definition", "/services/no_such.xml?jurisdiction_id=" + codeXueyuan, 404, "service_code not found"},
			{"unknown resource", "/nothing.xml", 404, "no such resource"},
			{"bad format", "/services.html?jurisdiction_id=" + codeXueyuan, 400, "format must be .xml or .json"},
			{"requests without jurisdiction", "/requests.xml", 400, "jurisdiction_id"},
			{"bad start", "/requests.xml?jurisdiction_id=" + codeXueyuan + "&start_date=yesterday", 400, "start_date must be a W3C datetime"},
			{"span over 90 days", "/requests.xml?jurisdiction_id=" + codeXueyuan + "&start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", 400, "more than 90 days"},
			{"end before start", "/requests.xml?jurisdiction_id=" + codeXueyuan + "&start_date=2026-06-01T00:00:00Z&end_date=2026-05-01T00:00:00Z", 400, "before start_date"},
			{"bad status", "/requests.xml?jurisdiction_id=" + codeXueyuan + "&status=pending", 400, "status must be open or closed"},
			{"unknown service filter", "/requests.xml?jurisdiction_id=" + codeXueyuan + "&service_code=no_such", 404, "service_code not found"},
			{"private request", "/requests/" + private.Number + ".xml?jurisdiction_id=" + codeXueyuan, 404, "no public request"},
			{"unknown request", "/requests/XY-20991231-0001.xml?jurisdiction_id=" + codeXueyuan, 404, "no public request"},
			{"another jurisdiction's request", "/requests/" + private.Number + ".xml?jurisdiction_id=" + codeJixiang, 404, "no public request"},
			{"unknown token", "/tokens/abc.xml", 404, "token not found"},
		}
		for _, g := range gets {
			for _, format := range []string{"xml", "json"} {
				path := strings.Replace(g.path, ".xml", "."+format, 1)
				if g.name == "bad format" {
					format = "xml" // an unknown suffix is answered in the default format
				}
				status, body := f.get("/open311/v2" + path)
				errs := errorsOf(t, format, body)
				if status != g.status || errs[0].Code != g.status || !strings.Contains(errs[0].Description, g.says) {
					t.Errorf("%s (%s): %d %s", g.name, path, status, body)
				}
			}
		}

		// A JSON body is not what Open311 clients send.
		res, err := http.Post(f.srv.URL+"/open311/v2/requests.json", "application/json", strings.NewReader(`{"api_key":"`+key+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		status, body := read(t, res)
		if status != 400 || !strings.Contains(body, "post a form") {
			t.Fatalf("json body: %d %s", status, body)
		}

		// The rate limit: 2 a minute, then 429 until the next minute.
		slow := f.integrator("xueyuan", "慢速接入方", false, 2, f.node("学苑社区").ID)
		for i, want := range []int{200, 200, 429} {
			status, body := f.post("/open311/v2/requests.json", form("api_key", slow.APIKey))
			if status != want {
				t.Fatalf("request %d: %d %s", i, status, body)
			}
			if want == 429 && errorsOf(t, "json", body)[0].Code != 429 {
				t.Fatalf("429 body %s", body)
			}
		}
		f.w.Clock.Advance(61 * 1e9)
		if status, body := f.post("/open311/v2/requests.json", form("api_key", slow.APIKey)); status != 200 {
			t.Fatalf("next minute: %d %s", status, body)
		}
		// A revoked key is a bad key.
		if _, err := f.svc.RevokeIntegrator(f.ctx, f.actors["xueyuan"], slow.ID); err != nil {
			t.Fatal(err)
		}
		if status, _ := f.post("/open311/v2/requests.json", form("api_key", slow.APIKey)); status != 403 {
			t.Fatalf("revoked key: %d", status)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
