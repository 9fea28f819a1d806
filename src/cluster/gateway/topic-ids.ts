/** Topic ids on the wire (src/protocol/wire-topic-id.ts) looked up in a broker's metadata image. */
import type { MetadataImage, TopicImage } from '../../common/metadata-image.js';
import { wireTopicId } from '../../protocol/wire-topic-id.js';

export { wireTopicId };

export function topicByWireId(image: MetadataImage, wireId: string): TopicImage | undefined {
  return Object.values(image.topics).find((t) => wireTopicId(t.topicId) === wireId);
}
