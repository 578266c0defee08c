// node-open311 requires sparkxml when it loads, but calls it only in XML mode. The real package is
// published only as a git:// dependency, which cannot be fetched here; this test drives the client in
// JSON mode, so the stand-in refuses loudly if it is ever reached.
'use strict';
module.exports = {
  parseXml() {
    throw new Error('sparkxml stand-in: node-open311 XML mode is not exercised by this test');
  },
};
