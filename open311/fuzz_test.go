package open311

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"linli"
)

// echoDoc is a request document carrying text an integrator sent, as
// GET requests.xml answers it.
type echoDoc struct {
	XMLName     xml.Name          `xml:"service_requests" json:"-"`
	Description string            `xml:"request>description" json:"description"`
	Attributes  map[string]string `xml:"-" json:"attributes"`
}

// FuzzGeoReportPost: a GeoReport v2 POST (form-encoded or multipart, any
// resource name and format suffix) is read by the handler without a
// panic; whatever it answers is a well-formed document of the format
// asked for with 200 or a client error status, never a 500; and the text
// it carries (the description built from the form) survives XML and JSON.
func FuzzGeoReportPost(f *testing.F) {
	for _, s := range [][3]string{
		{"requests.xml", "application/x-www-form-urlencoded", "api_key=o311_x&service_code=water_leak&lat=39.9&long=116.4&description=%E6%BC%8F%E6%B0%B4&attribute[room]=1-302&attribute[photo]=http://x/a.jpg&first_name=%E7%8E%8B&email=a@b.c"},
		{"requests.json", "application/x-www-form-urlencoded", "api_key=k&service_code=noise&address_string=%E5%AD%A6%E8%8B%91%E8%B7%AF&attribute[kinds][]=a&attribute[kinds][]=b&locale=en"},
		{"requests.json", "multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\n\x00\x01\xff\r\n--x--\r\n"},
		{"requests", "text/plain", "description=x"},
		{"requests.csv", "application/x-www-form-urlencoded", ""},
		{"a/b.json", "application/x-www-form-urlencoded", "%zz"},
		{"requests.xml", "multipart/form-data", "--x\r\n"},
	} {
		f.Add(s[0], s[1], []byte(s[2]))
	}
	var s Service
	h := s.handler(func(r *http.Request, name string, en bool) (int, any, any, error) {
		in := NewRequest{APIKey: r.FormValue("api_key"), ServiceCode: r.FormValue("service_code"), Lat: r.FormValue("lat"), Long: r.FormValue("long"),
			AddressString: r.FormValue("address_string"), AddressID: r.FormValue("address_id"), Email: r.FormValue("email"),
			FirstName: r.FormValue("first_name"), LastName: r.FormValue("last_name"), Description: r.FormValue("description"),
			MediaURL: r.FormValue("media_url"), Locale: r.FormValue("locale"), Attributes: attributes(r)}
		if name != "requests" {
			return 0, nil, nil, linli.Errorf(linli.ENotFound, "no such resource")
		}
		doc := echoDoc{Description: describe(in), Attributes: in.Attributes}
		return http.StatusOK, doc, doc, nil
	})
	f.Fuzz(func(t *testing.T, res, ct string, body []byte) {
		r := httptest.NewRequest("POST", Prefix+"/requests.xml", bytes.NewReader(body))
		r.URL.Path = Prefix + "/" + res
		r.Header.Set("Content-Type", ct)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		switch w.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusNotFound:
		default:
			t.Fatalf("status %d: %s", w.Code, w.Body)
		}
		var v any
		if strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
			if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
				t.Fatalf("not JSON (%v): %s", err, w.Body)
			}
			return
		}
		d := xml.NewDecoder(bytes.NewReader(w.Body.Bytes()))
		for {
			_, err := d.Token()
			if err != nil {
				if err != io.EOF {
					t.Fatalf("not XML (%v): %s", err, w.Body)
				}
				break
			}
		}
	})
}
