// Starts a real Bluesky PDS (the atproto reference server, with an in-memory PLC
// directory) on 127.0.0.1 for cmdesk's connector tests. Prints one JSON line with its
// address once it answers, then runs until its standard input closes, so the PDS never
// outlives the test session that started it, even when that session is killed.
import { TestNetworkNoAppView } from '@atproto/dev-env'

const started = Date.now()
const network = await TestNetworkNoAppView.create({
  pds: {
    // A small upload limit so that the "file too large" answer (413) can be tested
    // without sending megabytes; images for posts stay under it.
    blobUploadLimit: Number(process.env.PDS_BLOB_UPLOAD_LIMIT || 1500000),
  },
})
process.stdout.write(
  JSON.stringify({ url: network.pds.url, plc: network.plc.url, ms: Date.now() - started }) + '\n',
)

let closing = false
async function stop() {
  if (closing) return
  closing = true
  await network.close()
  process.exit(0)
}
process.stdin.on('end', stop)
process.stdin.on('close', stop)
process.stdin.resume()
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
