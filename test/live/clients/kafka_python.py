"""kafka-python against a kspec cluster: create a topic (admin), produce acks=all, consume from the beginning in a group.
Prints one JSON line: the records consumed as [partition, offset, value]."""
import json, sys, time
from kafka import KafkaProducer, KafkaConsumer
from kafka.admin import KafkaAdminClient, NewTopic

bootstrap, topic, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
KafkaAdminClient(bootstrap_servers=bootstrap).create_topics([NewTopic(topic, num_partitions=2, replication_factor=3)])
producer = KafkaProducer(bootstrap_servers=bootstrap, acks='all')
for i in range(count):
    producer.send(topic, key=b'k%d' % (i % 7), value=b'%d' % i)
producer.flush(30)
consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=topic + '-group', auto_offset_reset='earliest', consumer_timeout_ms=15000)
got = []
for m in consumer:
    got.append([m.partition, m.offset, m.value.decode()])
    if len(got) >= count:
        break
consumer.close()
print(json.dumps(got))
