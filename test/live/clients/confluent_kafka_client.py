"""confluent-kafka (librdkafka) against a kspec cluster: create a topic (admin), produce with the idempotent
producer (acks=all), consume from the beginning in a group. Prints one JSON line: [partition, offset, value]."""
import json, sys, time
from confluent_kafka import Producer, Consumer
from confluent_kafka.admin import AdminClient, NewTopic

bootstrap, topic, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
admin = AdminClient({'bootstrap.servers': bootstrap})  # kept: a collected admin client cancels its futures
for f in admin.create_topics([NewTopic(topic, num_partitions=2, replication_factor=3)]).values():
    f.result()
producer = Producer({'bootstrap.servers': bootstrap, 'enable.idempotence': True, 'acks': 'all'})
for i in range(count):
    producer.produce(topic, key=b'k%d' % (i % 7), value=b'%d' % i)
assert producer.flush(30) == 0
consumer = Consumer({'bootstrap.servers': bootstrap, 'group.id': topic + '-group', 'auto.offset.reset': 'earliest'})
consumer.subscribe([topic])
got, deadline = [], time.time() + 30
while len(got) < count and time.time() < deadline:
    m = consumer.poll(0.5)
    if m is None or m.error():
        continue
    got.append([m.partition(), m.offset(), m.value().decode()])
consumer.close()
print(json.dumps(got))
