//! Linear money streams, as in the seed: `value(t) = ⌊rate·t / MS_PER_MONTH⌋ − offset`, where
//! `offset` counts what was taken plus what the stream "produced" before it started.

use super::{Balance, Error};

/// Milliseconds in a (31-day) month: rates are per month.
pub const MS_PER_MONTH: u64 = 31 * 24 * 3600 * 1000;

#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Schedule {
    pub rate: Balance,
    pub offset: Balance,
}

impl Schedule {
    /// A stream of `rate` per month starting at `start_ms`: what it "produced" before is offset.
    pub fn new(start_ms: u64, rate: Balance) -> Result<Self, Error> {
        Ok(Self { rate, offset: absolute(rate, start_ms)? })
    }

    /// What has streamed and not been taken by `time_ms`.
    pub fn value_at_time(&self, time_ms: u64) -> Balance {
        absolute(self.rate, time_ms).unwrap_or(Balance::MAX).saturating_sub(self.offset)
    }

    /// When everything taken so far plus `value` will have streamed; `u64::MAX` if never.
    pub fn time_of_value(&self, value: Balance) -> u64 {
        if self.rate == 0 {
            return u64::MAX;
        }
        let target = self.offset.saturating_add(value).saturating_mul(MS_PER_MONTH as Balance);
        u64::try_from(target / self.rate).unwrap_or(u64::MAX)
    }

    pub fn add_schedule(&mut self, rhs: Schedule) -> Result<(), Error> {
        self.rate = self.rate.checked_add(rhs.rate).ok_or(Error::Overflow)?;
        self.offset = self.offset.checked_add(rhs.offset).ok_or(Error::Overflow)?;
        Ok(())
    }

    /// Stops a stream of `rate` at `now_ms` (after it was settled): what this schedule produced
    /// up to now is unchanged, nothing more flows for that part.
    pub fn remove_stream(&mut self, now_ms: u64, rate: Balance) -> Result<(), Error> {
        self.rate = self.rate.checked_sub(rate).ok_or(Error::Overflow)?;
        self.offset = self.offset.saturating_sub(absolute(rate, now_ms)?);
        Ok(())
    }

    pub fn take_value(&mut self, value: Balance) {
        self.offset = self.offset.saturating_add(value);
    }

    /// Takes what has streamed by `now_ms`; the next take starts from there.
    pub fn take_value_at_time(&mut self, now_ms: u64) -> Balance {
        let value = self.value_at_time(now_ms);
        self.take_value(value);
        value
    }
}

/// `⌊rate · t / MS_PER_MONTH⌋`: everything a stream of `rate` produces from time 0 to `t`.
fn absolute(rate: Balance, time_ms: u64) -> Result<Balance, Error> {
    Ok(rate.checked_mul(time_ms as Balance).ok_or(Error::Overflow)? / MS_PER_MONTH as Balance)
}
