/**
 * Seed 004's pipeline as a routing slip: each transformation is its own service, and each video
 * carries its own itinerary — encode, then watermark or transcode variants as that video needs,
 * then deploy to the CDN. No orchestrator: every service runs its activity and forwards the slip.
 *
 *   talk.mov         encode ─► deploy
 *   trailer.mov      encode ─► watermark ─► deploy
 *   concert-4k.mov   encode ─► deploy        (encode sees 4K and revises: + transcode 1080p, 720p)
 *   keynote.mov      encode ─► watermark ─► deploy to 'moon'   (refused: watermark, then encode undone)
 *
 * Storage and the CDN are in-memory maps so the effects of execution and compensation show.
 */
import {
  activity,
  defineActivity,
  hostActivities,
  NonRetryableError,
  RoutingSlipBuilder,
  type Tutti,
} from '../../src/index.js';

/** The activities of the pipeline, and what they did to storage and the CDN. */
export function createMediaPipeline() {
  const storage = new Map<string, string>();
  const cdn = new Map<string, string>();
  const fileName = (location: string) => location.split('/').at(-1) ?? location;

  const encode = defineActivity('media.encode', {
    execute(args: { fileLocation: string; codec?: string }, ctx) {
      const video = fileName(args.fileLocation).replace(/\.[^.]*$/, '');
      const encodeLocation = `encoded/${video}.${args.codec ?? 'h264'}.mp4`;
      storage.set(encodeLocation, `encoded from ${args.fileLocation}`);
      const output = { variables: { video, encodeLocation }, compensation: { files: [encodeLocation] } };
      // Adjusted on the fly: a 4K source also needs smaller variants before it is deployed.
      if (!args.fileLocation.includes('4k')) return ctx.completed(output);
      const variants = ['1080p', '720p'].map((resolution) => activity('media.transcode', { resolution }));
      return ctx.revise((rest) => [...variants, ...rest], output);
    },
    compensate(log: { files: string[] }) {
      for (const file of log.files) storage.delete(file);
    },
  });

  const watermark = defineActivity('media.watermark', {
    execute(args: { encodeLocation: string; text: string }, ctx) {
      const marked = args.encodeLocation.replace('encoded/', 'watermarked/');
      storage.set(marked, `${args.encodeLocation} marked '${args.text}'`);
      return ctx.completed({ variables: { encodeLocation: marked }, compensation: { file: marked } });
    },
    compensate(log: { file: string }) {
      storage.delete(log.file);
    },
  });

  const transcode = defineActivity('media.transcode', {
    execute(args: { encodeLocation: string; resolution: string }, ctx) {
      const variant = args.encodeLocation.replace('.mp4', `.${args.resolution}.mp4`);
      storage.set(variant, `${args.encodeLocation} at ${args.resolution}`);
      const variants = [...((ctx.variables.variants as string[] | undefined) ?? []), variant];
      return ctx.completed({ variables: { variants }, compensation: { file: variant } });
    },
    compensate(log: { file: string }) {
      storage.delete(log.file);
    },
  });

  const deploy = defineActivity('media.deploy', {
    execute(args: { video: string; encodeLocation: string; variants?: string[]; region: string }, ctx) {
      if (!['eu', 'us'].includes(args.region)) {
        throw new NonRetryableError(`CDN has no region '${args.region}'`);
      }
      const location = `https://${args.region}.cdn.example/videos/${args.video}`;
      for (const file of [args.encodeLocation, ...(args.variants ?? [])])
        cdn.set(`${location}/${fileName(file)}`, file);
      return ctx.completed({ variables: { location } });
    },
  });

  const activities = [encode, watermark, transcode, deploy];
  return {
    storage,
    cdn,
    activities,
    /** Each service hosts its own activity, as its own microservice would. */
    host: (tutti: Tutti) =>
      Promise.all([
        hostActivities(tutti, [encode], { host: 'encoder', catalog: activities }),
        hostActivities(tutti, [watermark], { host: 'watermarker', catalog: activities }),
        hostActivities(tutti, [transcode], { host: 'transcoder', catalog: activities }),
        hostActivities(tutti, [deploy], { host: 'cdn-publisher', catalog: activities }),
      ]),
  };
}

/** The four videos of the demo, each with its own itinerary; `suffix` keeps tracking ids unique per run. */
export function videoSlips(catalog: ReturnType<typeof createMediaPipeline>['activities'], suffix = '') {
  const slip = (name: string) => new RoutingSlipBuilder({ trackingId: `${name}${suffix}`, catalog });
  return [
    slip('talk')
      .addActivity('media.encode', { fileLocation: 's3://uploads/talk.mov' })
      .addActivity('media.deploy', { region: 'eu' }),
    slip('trailer')
      .addActivity('media.encode', { fileLocation: 's3://uploads/trailer.mov', codec: 'av1' })
      .addActivity('media.watermark', { text: 'PREVIEW' })
      .addActivity('media.deploy', { region: 'us' }),
    slip('concert')
      .addActivity('media.encode', { fileLocation: 's3://uploads/concert-4k.mov' })
      .addActivity('media.deploy', { region: 'eu' }),
    slip('keynote')
      .addActivity('media.encode', { fileLocation: 's3://uploads/keynote.mov' })
      .addActivity('media.watermark', { text: 'CONFIDENTIAL' })
      .addActivity('media.deploy', { region: 'moon' })
      .addVariable('requestedBy', 'events-team'),
  ];
}
