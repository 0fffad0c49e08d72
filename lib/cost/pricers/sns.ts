/** Amazon SNS: publishes on each topic and the email deliveries of its subscriptions. */
import { formatCount, formatPrice } from '../format';
import { modelUsage } from '../usage';
import type { ServicePricers } from './pricer';

/** Notifications a month on a model's topic besides training runs and deployments: alarm state changes (assumed). */
export const ALARM_NOTIFICATIONS_PER_MONTH = 10;

/** Notifications a month on a topic outside a model stack: budget and anomaly alerts (assumed). */
export const OTHER_TOPIC_NOTIFICATIONS_PER_MONTH = 10;

export const SNS_PRICERS: ServicePricers = {
  'AWS::SNS::Topic': (resource, p, ctx) => {
    const m = resource.model();
    const u = m ? modelUsage(m) : undefined;
    const publishes = u ? u.trainingRuns + u.deployments + ALARM_NOTIFICATIONS_PER_MONTH : OTHER_TOPIC_NOTIFICATIONS_PER_MONTH;
    const emails = (ctx.emailSubscriptions.get(`${resource.stack.stackName}/${resource.logicalId}`) ?? 0) * publishes;
    const rate = p.usd('sns.publish-million');
    const emailRate = emails > 0 ? p.usd('sns.email-100k') : 0;
    const why = m ? `training runs + deployments + ${ALARM_NOTIFICATIONS_PER_MONTH} alarm changes` : 'budget and anomaly alerts (assumed)';
    return {
      idleUsd: 0,
      expectedUsd: (publishes / 1e6) * rate + (emails / 1e5) * emailRate,
      basis: `${formatCount(publishes)} notifications (${why}) × ${formatPrice(rate)}/million${emails > 0 ? ` + ${formatCount(emails)} emails × ${formatPrice(emailRate)}/100,000` : ''}`,
    };
  },
};
