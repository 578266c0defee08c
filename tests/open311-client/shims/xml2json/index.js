// node-open311 requires xml2json when it loads, but calls it only for POSTs in XML mode. The pinned
// xml2json 0.2.4 needs node-expat 1.4.1, which builds only with node-waf (Node ≤ 0.8); this test
// drives the client in JSON mode, so the stand-in refuses loudly if it is ever reached.
'use strict';
module.exports = {
  toJson() {
    throw new Error('xml2json stand-in: node-open311 XML mode is not exercised by this test');
  },
};
