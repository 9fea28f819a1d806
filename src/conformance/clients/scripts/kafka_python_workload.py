"""The client-conformance workload for kafka-python (kspec conform --client kafka-python).
Arguments: bootstrap topic group count partitions. kafka-python has no idempotent producer: it
produces with acks=all and retries=0 (a lost answer is an error, never a duplicate). Then consumer
1 of the group reads half, commits synchronously and closes; consumer 2 resumes and reads the rest.
One JSON line per event, rebalance callbacks included."""
import json, sys, time
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.consumer.subscription_state import ConsumerRebalanceListener
from kafka.structs import OffsetAndMetadata

bootstrap, topic, group, count, partitions = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
servers = bootstrap.split(',')
def say(event):
    print(json.dumps(event), flush=True)

producer = KafkaProducer(bootstrap_servers=servers, acks='all', retries=0, max_in_flight_requests_per_connection=1, linger_ms=5)
futures = [(i, producer.send(topic, value=str(i).encode(), partition=i % partitions)) for i in range(count)]
producer.flush(30)
for i, future in futures:
    try:
        meta = future.get(timeout=30)
        say({'event': 'ack', 'partition': '%s-%d' % (meta.topic, meta.partition), 'offset': meta.offset, 'value': str(i)})
    except Exception as error:
        say({'event': 'send-failed', 'value': str(i), 'error': str(error)})
producer.close()

class Listener(ConsumerRebalanceListener):
    def __init__(self, number):
        self.number = number
    def on_partitions_revoked(self, revoked):
        say({'event': 'revoked', 'consumer': self.number, 'partitions': ['%s-%d' % (p.topic, p.partition) for p in revoked]})
    def on_partitions_assigned(self, assigned):
        say({'event': 'assigned', 'consumer': self.number, 'partitions': ['%s-%d' % (p.topic, p.partition) for p in assigned]})

seen = set()
def consume(number, until):
    consumer = KafkaConsumer(bootstrap_servers=servers, group_id=group, auto_offset_reset='earliest', enable_auto_commit=False,
                             session_timeout_ms=10000, heartbeat_interval_ms=500)
    consumer.subscribe([topic], listener=Listener(number))
    nxt, deadline, consumed, done = {}, time.time() + 30, 0, False
    while time.time() < deadline and not done:
        for tp, records in consumer.poll(200).items():
            for m in records:
                say({'event': 'consumed', 'consumer': number, 'partition': '%s-%d' % (m.topic, m.partition), 'offset': m.offset, 'value': m.value.decode()})
                seen.add(m.value.decode())
                nxt[m.partition] = m.offset + 1
                consumed += 1
                if until(consumed):
                    done = True
                    break
            if done:
                break
    try:
        consumer.commit({TopicPartition(topic, p): OffsetAndMetadata(o, '') for p, o in nxt.items()})
        say({'event': 'committed', 'consumer': number, 'offsets': [['%s-%d' % (topic, p), o] for p, o in nxt.items()]})
    except Exception as error:
        say({'event': 'commit-failed', 'consumer': number, 'error': str(error)})
    consumer.close()

consume(1, lambda consumed: consumed >= count // 2)
consume(2, lambda consumed: len(seen) >= count)
say({'event': 'done'})
