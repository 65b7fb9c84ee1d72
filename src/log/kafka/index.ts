export { openKafkaLog } from './open-kafka-log.js';
export { KafkaEventLog } from './kafka-event-log.js';
export { KAFKA_LOG_DEFAULTS, type KafkaLogOptions, type KafkaSaslOptions } from './kafka-log-options.js';
export { kafkaLogOptionsFromConfig } from './kafka-log-config.js';
