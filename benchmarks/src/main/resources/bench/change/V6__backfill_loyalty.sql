UPDATE customers SET loyalty_points = 10 WHERE country = 'NL';
