import { deliveryStatuses } from '../../db/schema/index.js';
import { builder } from '../builder.js';

export const DeliveryStatus = builder.enumType('DeliveryStatus', {
  description: 'How the latest email for the invitation is doing: VALIDATING → SENDING → SENT → DELIVERED',
  values: deliveryStatuses,
});
