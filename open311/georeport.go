package open311

// The documents of GeoReport v2 and of FixMyStreet's extension, as
// written in both formats: XML with the standard's element names (a list
// is a root element around one element per item), JSON with the same
// names (a list is an array).

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"time"
)

// Formats are the suffixes a resource is asked for with.
const (
	FormatXML  = "xml"
	FormatJSON = "json"
)

// Discovery is the service discovery document.
type Discovery struct {
	XMLName    xml.Name   `xml:"discovery" json:"-"`
	Changeset  string     `xml:"changeset" json:"changeset"`
	Contact    string     `xml:"contact" json:"contact"`
	KeyService string     `xml:"key_service" json:"key_service"`
	Endpoints  []Endpoint `xml:"endpoints>endpoint" json:"endpoints"`
}

// Endpoint is one API a discovery document lists.
type Endpoint struct {
	Specification string   `xml:"specification" json:"specification"`
	URL           string   `xml:"url" json:"url"`
	Changeset     string   `xml:"changeset" json:"changeset"`
	Type          string   `xml:"type" json:"type"`
	Formats       []string `xml:"formats>format" json:"formats"`
}

// ServiceDoc is one service of the services list.
type ServiceDoc struct {
	Code        string `xml:"service_code" json:"service_code"`
	Name        string `xml:"service_name" json:"service_name"`
	Description string `xml:"description" json:"description"`
	Metadata    bool   `xml:"metadata" json:"metadata"`
	Type        string `xml:"type" json:"type"` // realtime | batch | blackbox
	Keywords    string `xml:"keywords" json:"keywords"`
	Group       string `xml:"group" json:"group"`
}

type servicesXML struct {
	XMLName  xml.Name     `xml:"services"`
	Services []ServiceDoc `xml:"service"`
}

// Definition is a service definition: the attributes a request of the
// service may carry.
type Definition struct {
	XMLName    xml.Name    `xml:"service_definition" json:"-"`
	Code       string      `xml:"service_code" json:"service_code"`
	Attributes []Attribute `xml:"attributes>attribute" json:"attributes"`
}

// Attribute is one question of a service definition.
type Attribute struct {
	Variable            bool    `xml:"variable" json:"variable"`
	Code                string  `xml:"code" json:"code"`
	Datatype            string  `xml:"datatype" json:"datatype"` // string number datetime text singlevaluelist multivaluelist
	Required            bool    `xml:"required" json:"required"`
	DatatypeDescription string  `xml:"datatype_description" json:"datatype_description"`
	Order               int     `xml:"order" json:"order"`
	Description         string  `xml:"description" json:"description"`
	Values              []Value `xml:"-" json:"values,omitempty"`
}

// MarshalXML writes the attribute with its values element only when it
// has values (a list attribute).
func (a Attribute) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	type plain Attribute
	type values struct {
		Values []Value `xml:"value"`
	}
	var v *values
	if len(a.Values) > 0 {
		v = &values{Values: a.Values}
	}
	return e.EncodeElement(struct {
		plain
		List *values `xml:"values,omitempty"`
	}{plain(a), v}, start)
}

// Value is one choice of a list attribute.
type Value struct {
	Key  string `xml:"key" json:"key"`
	Name string `xml:"name" json:"name"`
}

// RequestDoc is a service request as GET requests shows it.
type RequestDoc struct {
	ID                string   `xml:"service_request_id" json:"service_request_id"`
	Status            string   `xml:"status" json:"status"` // open | closed
	StatusNotes       string   `xml:"status_notes" json:"status_notes"`
	ServiceName       string   `xml:"service_name" json:"service_name"`
	ServiceCode       string   `xml:"service_code" json:"service_code"`
	Description       string   `xml:"description" json:"description"`
	AgencyResponsible string   `xml:"agency_responsible" json:"agency_responsible"`
	ServiceNotice     string   `xml:"service_notice" json:"service_notice"`
	RequestedDatetime string   `xml:"requested_datetime" json:"requested_datetime"`
	UpdatedDatetime   string   `xml:"updated_datetime" json:"updated_datetime"`
	ExpectedDatetime  string   `xml:"expected_datetime" json:"expected_datetime"`
	Address           string   `xml:"address" json:"address"`
	AddressID         string   `xml:"address_id" json:"address_id"`
	Zipcode           string   `xml:"zipcode" json:"zipcode"`
	Lat               *float64 `xml:"lat" json:"lat"`
	Long              *float64 `xml:"long" json:"long"`
	MediaURL          string   `xml:"media_url" json:"media_url"`
}

type requestsXML struct {
	XMLName  xml.Name     `xml:"service_requests"`
	Requests []RequestDoc `xml:"request"`
}

// Created is the answer to POST requests: the request's id at once, or a
// moderated integrator's token; and the answer of tokens/{token}.
type Created struct {
	ID            string `xml:"service_request_id,omitempty" json:"service_request_id,omitempty"`
	Token         string `xml:"token,omitempty" json:"token,omitempty"`
	ServiceNotice string `xml:"service_notice,omitempty" json:"service_notice,omitempty"`
}

type createdXML struct {
	XMLName  xml.Name  `xml:"service_requests"`
	Requests []Created `xml:"request"`
}

// UpdateDoc is one update of FixMyStreet's servicerequestupdates.
type UpdateDoc struct {
	ID              string `xml:"update_id" json:"update_id"`
	RequestID       string `xml:"service_request_id,omitempty" json:"service_request_id,omitempty"`
	Status          string `xml:"status,omitempty" json:"status,omitempty"` // OPEN | CLOSED
	UpdatedDatetime string `xml:"updated_datetime,omitempty" json:"updated_datetime,omitempty"`
	Description     string `xml:"description,omitempty" json:"description,omitempty"`
	MediaURL        string `xml:"media_url,omitempty" json:"media_url,omitempty"`
}

type updatesXML struct {
	XMLName xml.Name    `xml:"service_request_updates"`
	Updates []UpdateDoc `xml:"request_update"`
}

// ErrorDoc is one error of the standard's error list.
type ErrorDoc struct {
	Code        int    `xml:"code" json:"code"`
	Description string `xml:"description" json:"description"`
}

type errorsXML struct {
	XMLName xml.Name   `xml:"errors"`
	Errors  []ErrorDoc `xml:"error"`
}

// writeDoc answers v (XML) or j (JSON) in the format asked for.
func writeDoc(w http.ResponseWriter, format string, status int, v, j any) {
	if format == FormatJSON {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(j)
		return
	}
	// Encoded as it is written, like the JSON: 1,000 requests are not
	// held twice in memory. The documents are plain structs, which the
	// encoder cannot fail on once begun.
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(xml.Header[:len(xml.Header)-1] + "\n"))
	_ = xml.NewEncoder(w).Encode(v)
}

// w3c writes a time as the standard's W3C datetime, with the offset of
// the deployment's zone; the zero time is empty.
func w3c(t time.Time, zone *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(zone).Format("2006-01-02T15:04:05-07:00")
}
