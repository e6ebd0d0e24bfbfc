"""What the linked-data pages, the service description and VoID say: data, not Flask.

`description` gathers what the dataset says about one IRI (from SPARQL any engine answers) and its RDF twin,
`model` and `page` the HTML page model computed from the same description, `iri` reads a request path as an
IRI, `service` is the SPARQL Service Description and `void` the VoID description. `govkg.web` renders them.
"""

__all__: list[str] = []  # the modules are the API: description, iri, model, page, service, void
