// Reads a JSON list of texts on stdin and prints, for each, what the official Bluesky
// client library (@atproto/api RichText) finds in it: grapheme and byte lengths and the
// facets (mentions unresolved). tests/publish/test_bluesky.py compares cmdesk's own
// detection (core.post_entities) with this.
import { RichText } from '@atproto/api'

let input = ''
process.stdin.setEncoding('utf8')
process.stdin.on('data', (chunk) => (input += chunk))
process.stdin.on('end', () => {
  const results = JSON.parse(input).map((text) => {
    const rt = new RichText({ text })
    rt.detectFacetsWithoutResolution()
    return {
      graphemes: rt.graphemeLength,
      bytes: rt.length,
      facets: (rt.facets || []).map((f) => ({
        byteStart: f.index.byteStart,
        byteEnd: f.index.byteEnd,
        feature: f.features[0],
      })),
    }
  })
  process.stdout.write(JSON.stringify(results))
})
